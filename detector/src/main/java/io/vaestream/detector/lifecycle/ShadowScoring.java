package io.vaestream.detector.lifecycle;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.detector.topology.BatchListener;
import io.vaestream.detector.topology.ScoredBatch;
import io.vaestream.events.AnomalyScore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores every batch the live model scored with a shadow model too, on a thread of its own, and
 * says how far the two agree ({@link ShadowAgreement}) without changing anything the detector
 * emits: the shadow's scores go to a topic of their own, the live ones stay as they are.
 *
 * <p>The shadow cannot slow the live path beyond its budget. A batch is shadow-scored only when
 * the shadow thread is idle (else it is skipped: a shadow never queues work) and while the shadow
 * has spent at most {@code budget} × the live model's inference time since it started (else
 * skipped too). Skipped batches are counted, by reason; the agreement figures are over the batches
 * both models scored.
 *
 * <p>The shadow's scores are written by a producer of their own, outside the exactly-once
 * transaction of the live scores: they are for comparing models, not for acting on.
 */
public final class ShadowScoring implements BatchListener, AutoCloseable {
  /** The counter of images the shadow model scored. */
  public static final String EVENTS_METER = "vaestream.shadow.events";

  private static final Logger LOG = LoggerFactory.getLogger(ShadowScoring.class);

  private final String topic;
  private final double budget;
  private final KafkaProducer<byte[], AnomalyScore> producer;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "vaestream-shadow");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean busy = new AtomicBoolean();
  /** The shadow model; written on the shadow thread only, read anywhere. */
  private volatile Scorer shadow;
  /** Inference time of each model since the shadow model started, in nanoseconds. */
  private final AtomicLong liveNanos = new AtomicLong();

  private final AtomicLong shadowNanos = new AtomicLong();
  // Owned by the shadow thread.
  private final ShadowAgreement agreement;
  private String liveModel = "";
  private volatile ShadowAgreement.Snapshot snapshot;

  private final Counter shadowed;
  private final Counter skippedBusy;
  private final Counter skippedBudget;
  private final Counter failures;

  /**
   * @param clientSettings Kafka client settings (bootstrap servers, security) for the producer of
   *     the shadow's scores
   * @param budget the most time the shadow may spend scoring, as a share of the live model's
   * @param window how many recent images the agreement is computed over
   */
  public ShadowScoring(
      String topic,
      Map<String, Object> clientSettings,
      Serializer<AnomalyScore> scores,
      double budget,
      int window,
      MeterRegistry registry) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.budget = budget;
    this.agreement = new ShadowAgreement(window);
    this.snapshot = agreement.snapshot();
    Map<String, Object> p = new HashMap<>(clientSettings);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), scores);
    shadowed = Counter.builder(EVENTS_METER)
        .description("Images the shadow model scored")
        .register(registry);
    skippedBusy = skipped(registry, "busy");
    skippedBudget = skipped(registry, "budget");
    failures = Counter.builder("vaestream.shadow.failures")
        .description("Batches the shadow model failed to score (the live scores were not affected)")
        .register(registry);
    Gauge.builder("vaestream.shadow.flag.agreement", () -> snapshot.flagAgreement())
        .description(
            "Share of recent images that the live and the shadow model both flag or both pass")
        .register(registry);
    Gauge.builder("vaestream.shadow.rank.correlation", () -> snapshot.rankCorrelation())
        .description("Spearman's rank correlation of live and shadow scores over recent images")
        .register(registry);
    Gauge.builder("vaestream.shadow.anomaly.rate", () -> snapshot.liveAnomalyRate())
        .tag("model", "live")
        .description("Share of recent images flagged, by model")
        .register(registry);
    Gauge.builder("vaestream.shadow.anomaly.rate", () -> snapshot.shadowAnomalyRate())
        .tag("model", "shadow")
        .description("Share of recent images flagged, by model")
        .register(registry);
    Gauge.builder("vaestream.shadow.window.images", () -> snapshot.images())
        .description("Images the shadow agreement figures are computed over")
        .register(registry);
    Gauge.builder("vaestream.shadow.time.ratio", this, ShadowScoring::timeRatio)
        .description(
            "Shadow inference time over live inference time since the shadow model started")
        .register(registry);
  }

  private static Counter skipped(MeterRegistry registry, String reason) {
    return Counter.builder("vaestream.shadow.skipped.batches")
        .tag("reason", reason)
        .description(
            "Batches not shadow-scored: the shadow was still busy, or over its time budget")
        .register(registry);
  }

  /** Where the shadow's scores go. */
  public String topic() {
    return topic;
  }

  /** The shadow model now, or null when there is none. */
  public Scorer shadow() {
    return shadow;
  }

  /**
   * Makes {@code next} the shadow model (null: none), after the batch it may be scoring; the one it
   * replaces is closed. Returns once the change is made.
   */
  public void use(Scorer next) {
    try {
      thread
          .submit(() -> {
            Scorer old = shadow;
            shadow = next;
            liveNanos.set(0);
            shadowNanos.set(0);
            agreement.clear();
            snapshot = agreement.snapshot();
            if (old != null) {
              old.close();
            }
          })
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while changing the shadow model", e);
    } catch (ExecutionException | RejectedExecutionException e) {
      if (next != null) {
        next.close();
      }
      throw new IllegalStateException("shadow scoring is closed", e);
    }
  }

  @Override
  public void scored(ScoredBatch batch) {
    Scorer s = shadow;
    if (s == null || batch.size() == 0) {
      return;
    }
    long live = liveNanos.addAndGet(batch.inferenceNanos());
    if (shadowNanos.get() > budget * live) {
      skippedBudget.increment();
      return;
    }
    if (!busy.compareAndSet(false, true)) {
      skippedBusy.increment();
      return;
    }
    try {
      thread.execute(() -> {
        try {
          score(batch);
        } finally {
          busy.set(false);
        }
      });
    } catch (RejectedExecutionException e) {
      busy.set(false); // closing
    }
  }

  /** On the shadow thread. */
  private void score(ScoredBatch batch) {
    Scorer s = shadow;
    if (s == null) {
      return;
    }
    ScoreBatch out;
    long t0 = System.nanoTime();
    try {
      out = s.score(batch.tensors(), batch.size());
    } catch (RuntimeException e) {
      failures.increment();
      LOG.warn(
          "the shadow model {} v{} failed to score a batch of {}: {}",
          s.modelName(),
          s.modelVersion(),
          batch.size(),
          e.getMessage());
      return;
    } finally {
      shadowNanos.addAndGet(System.nanoTime() - t0);
    }
    AnomalyScore first = batch.scores().get(0);
    String live = first.getModelName() + " v" + first.getModelVersion();
    if (!live.equals(liveModel)) {
      agreement.clear(); // a new live model: a new comparison
      liveModel = live;
    }
    double threshold = s.threshold();
    Instant now = Instant.now();
    for (int i = 0; i < batch.size(); i++) {
      AnomalyScore l = batch.scores().get(i);
      AnomalyScore shadowScore = ScoredBatch.verdict(
              AnomalyScore.newBuilder(l), s, threshold, out, i)
          .setScoredTime(now)
          .build();
      agreement.add(
          l.getScore(), l.getIsAnomaly(), shadowScore.getScore(), shadowScore.getIsAnomaly());
      producer.send(new ProducerRecord<>(topic, batch.key(i), shadowScore), (md, e) -> {
        if (e != null) {
          LOG.warn("cannot write a shadow score to {}: {}", topic, e.getMessage());
        }
      });
    }
    shadowed.increment(batch.size());
    snapshot = agreement.snapshot();
  }

  /** Shadow inference time over live inference time since the shadow model started. */
  double timeRatio() {
    long live = liveNanos.get();
    return live == 0 ? 0 : (double) shadowNanos.get() / live;
  }

  /** The agreement over the current window, as the metrics show it. */
  ShadowAgreement.Snapshot agreement() {
    return snapshot;
  }

  /** Lets the batch being shadow-scored finish, then closes the shadow model and the producer. */
  @Override
  public void close() {
    thread.shutdown();
    boolean finished = false;
    try {
      finished = thread.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Scorer s = shadow;
    if (!finished) {
      // closing its session under a call still inside ONNX Runtime could free what that call
      // reads: the process is stopping, so the native memory is left to it
      LOG.warn("the shadow model did not finish its batch within 30 s; it is left open");
    } else if (s != null) {
      s.close();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
