package io.vaestream.detector.lifecycle;

import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.scoring.OnnxScorer;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.detector.scoring.ScorerException;
import io.vaestream.detector.scoring.ScorerOptions;
import io.vaestream.detector.scoring.SwappableScorer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the models topic, where {@code vaestream publish} puts models, and swaps each new live
 * model into the running detector. Every instance reads the whole (compacted) topic from its start,
 * so all instances converge on the last live model, and a detector started later takes it too.
 *
 * <p>A published model must pass every check the detector makes of its own model file (SHA-256
 * against the record's {@code vaestream.sha256} header, signature, golden samples) and keep the
 * image contract of the model in use. One that fails is rejected: the reason goes to the log, to
 * {@code vaestream_model_rejections_total} and to the status topic ({@code <models topic>.status}),
 * and the model in use keeps scoring. One that passes is warmed up by those checks, then takes
 * over between two batches ({@link SwappableScorer}).
 *
 * <p>A model published under the key {@value #SHADOW} passes the same checks, then scores beside
 * the live one ({@link ShadowScoring}) until a tombstone on that key ends it; {@code vaestream
 * promote} writes both in one transaction: the shadow model as live, and the tombstone.
 */
public final class ModelWatcher implements AutoCloseable {
  /** The key of the live model's record on the models topic. */
  public static final String LIVE = "live";
  /** The key of the shadow model's record; a tombstone (null value) ends shadow scoring. */
  public static final String SHADOW = "shadow";
  /** Header with the model file's hex SHA-256. */
  public static final String SHA256_HEADER = "vaestream.sha256";
  /** The largest model record: models with a memory bank run to tens of MB. */
  public static final int MAX_MODEL_BYTES = 64 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ModelWatcher.class);

  private final String topic;
  private final SwappableScorer scorer;
  private final ShadowScoring shadow;
  private final ScorerOptions options;
  private final Double thresholdOverride;
  private final Consumer<Scorer> limits;
  private final DetectorMetrics metrics;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ModelStatus status;
  private final Thread thread;
  private volatile boolean running = true;
  private final CountDownLatch stopped = new CountDownLatch(1);

  /**
   * @param clientSettings Kafka client settings (bootstrap servers, security) for the watcher's
   *     consumer and the status producer
   * @param limits the detector's own checks of a model, which the first one passed at start (a
   *     batch it can allocate, a flagged event the producer can send); it throws, saying why, for
   *     a model it refuses
   */
  public ModelWatcher(
      String topic,
      Map<String, Object> clientSettings,
      SwappableScorer scorer,
      ShadowScoring shadow,
      ScorerOptions options,
      Double thresholdOverride,
      Consumer<Scorer> limits,
      String instance,
      DetectorMetrics metrics) {
    this.topic = topic;
    this.limits = limits;
    this.scorer = scorer;
    this.shadow = shadow;
    this.options = options;
    this.thresholdOverride = thresholdOverride;
    this.metrics = metrics;
    Map<String, Object> c = ModelsTopic.readerSettings(clientSettings);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, instance + "-models");
    this.consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    try {
      this.status = new ModelStatus(topic, clientSettings, instance);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    this.thread = new Thread(this::run, "vaestream-model-watcher");
    this.thread.setDaemon(true);
  }

  /**
   * Reads the topic to its end, for at most {@code limit}, and takes its live model, before the
   * detector starts streaming: a detector that starts (or restarts) while another model is live
   * scores nothing with the configured one. Then follows the topic on a thread of its own.
   */
  public void start(Duration limit) {
    List<TopicPartition> partitions = partitions(Duration.ofSeconds(10));
    if (partitions != null) {
      follow(partitions);
      Latest latest = new Latest();
      ModelsTopic.readToEnd(consumer, partitions, limit, latest::add);
      latest.apply();
    }
    thread.start();
  }

  private void follow(List<TopicPartition> partitions) {
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    LOG.info("following published models on {}", topic);
  }

  /** The last live and the last shadow record of what was read: only those matter. */
  private final class Latest {
    ConsumerRecord<byte[], byte[]> live;
    ConsumerRecord<byte[], byte[]> shadow;

    void add(Iterable<ConsumerRecord<byte[], byte[]>> records) {
      for (ConsumerRecord<byte[], byte[]> r : records) {
        String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
        if (LIVE.equals(key) && r.value() != null) {
          live = r;
        } else if (SHADOW.equals(key)) {
          shadow = r;
        }
      }
    }

    /** The live model first: a promotion writes the shadow as live and ends the shadow together. */
    void apply() {
      if (live != null) {
        applyLive(live);
      }
      if (shadow != null) {
        applyShadow(shadow);
      }
      live = null;
      shadow = null;
    }
  }

  private void run() {
    try {
      if (consumer.assignment().isEmpty()) {
        List<TopicPartition> partitions = waitForTopic();
        if (partitions == null) {
          return;
        }
        follow(partitions);
      }
      Latest latest = new Latest();
      while (running) {
        latest.add(consumer.poll(Duration.ofSeconds(1)));
        latest.apply();
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error(
          "the model watcher stopped: {}; published models are no longer followed",
          e.getMessage(),
          e);
    }
  }

  /** The topic's partitions, or null when it does not exist or the broker did not answer in time. */
  private List<TopicPartition> partitions(Duration wait) {
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(topic, wait);
    } catch (TimeoutException e) {
      // the broker did not answer in time: asked again, never a reason to stop following models
      LOG.warn(
          "models topic {}: no metadata within {} s: {}", topic, wait.toSeconds(), e.getMessage());
      return null;
    }
    return infos == null || infos.isEmpty()
        ? null
        : infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
  }

  /** The topic's partitions, once it exists; null when the watcher was closed first. */
  private List<TopicPartition> waitForTopic() {
    LOG.info("models topic {} does not exist yet; waiting for a first `vaestream publish`", topic);
    while (running) {
      List<TopicPartition> partitions = partitions(Duration.ofSeconds(10));
      if (partitions != null) {
        return partitions;
      }
      try {
        if (stopped.await(2, TimeUnit.SECONDS)) {
          return null;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private void applyLive(ConsumerRecord<byte[], byte[]> r) {
    String sha256 = ModelsTopic.header(r, SHA256_HEADER);
    if (sha256 != null && sha256.equalsIgnoreCase(scorer.current().sha256())) {
      LOG.info("model {} from {} is already in use", shortSha(sha256), where(r));
      return;
    }
    OnnxScorer next = checked(r, sha256);
    if (next == null) {
      return;
    }
    String before = scorer.modelName() + " v" + scorer.modelVersion();
    scorer.swap(next);
    metrics.modelChanged(scorer);
    metrics.modelPublished(true);
    LOG.info(
        "model {} v{} (sha256 {}) from {} is live; it replaces {}",
        next.modelName(),
        next.modelVersion(),
        shortSha(sha256),
        where(r),
        before);
    status.report(sha256, "live", next.modelName() + " v" + next.modelVersion());
  }

  private void applyShadow(ConsumerRecord<byte[], byte[]> r) {
    Scorer current = shadow.shadow();
    if (r.value() == null) {
      if (current != null) {
        shadow.use(null);
        LOG.info(
            "shadow scoring with {} v{} ended ({})",
            current.modelName(),
            current.modelVersion(),
            where(r));
        status.report(
            current.sha256(), "shadow-ended", current.modelName() + " v" + current.modelVersion());
      }
      return;
    }
    String sha256 = ModelsTopic.header(r, SHA256_HEADER);
    if (current != null && sha256 != null && sha256.equalsIgnoreCase(current.sha256())) {
      LOG.info("model {} from {} is already the shadow model", shortSha(sha256), where(r));
      return;
    }
    OnnxScorer next = checked(r, sha256);
    if (next == null) {
      return;
    }
    shadow.use(next);
    LOG.info(
        "model {} v{} (sha256 {}) from {} scores in shadow beside {} v{}; its scores go to {}",
        next.modelName(),
        next.modelVersion(),
        shortSha(sha256),
        where(r),
        scorer.modelName(),
        scorer.modelVersion(),
        shadow.topic());
    status.report(sha256, "shadow", next.modelName() + " v" + next.modelVersion());
  }

  /**
   * The published model, opened and checked like the detector's own model file and against the
   * image contract in use; null when it was rejected (and reported) or the watcher is closing.
   */
  private OnnxScorer checked(ConsumerRecord<byte[], byte[]> r, String sha256) {
    String where = where(r);
    if (sha256 == null) {
      reject(
          where,
          "",
          "the record has no " + SHA256_HEADER + " header; publish it with `vaestream publish`");
      return null;
    }
    OnnxScorer next;
    try {
      // The header's SHA-256 is checked against the bytes with the model's other checks.
      next = OnnxScorer.open(where, r.value(), options.withSha256(sha256));
    } catch (RuntimeException e) {
      // a ScorerException names what is wrong; anything else a malformed record caused must not
      // stop the watcher either
      reject(where, sha256, e instanceof ScorerException ? e.getMessage() : e.toString());
      return null;
    }
    if (!next.contract().equals(scorer.contract())) {
      next.close();
      reject(
          where,
          sha256,
          "it expects " + next.contract() + " images, the detector reads " + scorer.contract()
              + " (size, channels and resize policy must stay); a model for other images needs a detector of its own");
      return null;
    }
    try {
      limits.accept(next);
    } catch (RuntimeException e) {
      // a model with anomaly maps where the first had none may make flagged events too large
      next.close();
      reject(where, sha256, e.getMessage());
      return null;
    }
    if (thresholdOverride != null) {
      next.setThreshold(thresholdOverride);
    }
    if (!running) {
      next.close(); // the detector is stopping: its scorer may be closed already
      return null;
    }
    return next;
  }

  private String where(ConsumerRecord<?, ?> r) {
    return topic + "-" + r.partition() + "@" + r.offset();
  }

  private static String shortSha(String sha256) {
    return sha256.substring(0, Math.min(12, sha256.length()));
  }

  private void reject(String where, String sha256, String reason) {
    metrics.modelPublished(false);
    LOG.error(
        "rejecting the model published at {}: {}; {} v{} keeps scoring",
        where,
        reason,
        scorer.modelName(),
        scorer.modelVersion());
    status.report(sha256, "rejected", reason);
  }

  /** Stops following the topic; a model being loaded is loaded to the end, then closed, not swapped in. */
  @Override
  public void close() {
    running = false;
    stopped.countDown();
    consumer.wakeup();
    try {
      thread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("the model watcher did not stop within 60 s");
      return;
    }
    consumer.close(Duration.ofSeconds(5));
    status.close();
  }
}
