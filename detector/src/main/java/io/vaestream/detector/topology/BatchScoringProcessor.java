package io.vaestream.detector.topology;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.errors.DeadLetters;
import io.vaestream.detector.localize.Localizer;
import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.preprocess.ImageInput;
import io.vaestream.detector.preprocess.RejectReason;
import io.vaestream.detector.preprocess.RejectedRecordException;
import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.detector.topology.internal.PendingImage;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ImageContractException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores images in micro-batches without weakening the delivery guarantee.
 *
 * <p>Kafka Streams commits input offsets on its own schedule, whatever a processor still holds in
 * memory, so a plain in-memory buffer would lose its images when the process dies or the task
 * moves. Here every image is first written to a changelogged state store, keyed by its input
 * offset, and deleted only when its score has been forwarded. The store's changelog commits
 * together with the input offsets (in the same transaction under exactly-once), so after a crash
 * or a rebalance the restored store still holds every image whose score was not committed, and
 * they are scored on start-up. The in-memory map is only a mirror of the store, for speed.
 *
 * <p>A batch is scored when it reaches {@code maxBatch} images, or when its oldest image has
 * waited {@code maxWait} (a wall-clock punctuation).
 *
 * <p>A full batch is scored on the {@code inference} executor while this (stream) thread goes on
 * reading, decoding and storing the next one: Kafka work and inference overlap on two cores. At
 * most one batch per task is in flight, and its scores are forwarded, in offset order, from this
 * thread (on the next record, the next punctuation, or before the next batch goes out). Its images
 * stay in the store until then, so a crash or a rebalance with a batch in flight loses nothing and
 * forwards nothing twice. A batch cut by the timer means the input is slow, so there is nothing to
 * overlap with: it is scored and forwarded at once. With a direct executor every batch is scored
 * on the stream thread.
 *
 * <p>Images restored from the store were read for the model of their time. One that the model now
 * in use cannot take (the detector restarted on a model of another input size) is dead-lettered
 * with its input coordinates, on the first record or punctuation, instead of failing every batch.
 */
final class BatchScoringProcessor implements Processor<byte[], ImageInput, byte[], Scored> {
  private static final Logger LOG = LoggerFactory.getLogger(BatchScoringProcessor.class);

  /** A batch handed to the inference executor, with the images it scores. */
  private record InFlight(
      List<PendingImage> images, float[] tensors, CompletableFuture<Timed> scores) {}

  /** Scores and how long the model took to make them. */
  private record Timed(ScoreBatch scores, long nanos) {}

  private final String storeName;
  private final Scorer scorer;
  private final int maxBatch;
  private final Duration maxWait;
  private final DetectorMetrics metrics;
  private final Executor inference;
  private final BatchListener listener;
  private final TreeMap<Long, PendingImage> pending = new TreeMap<>();
  /** Restored images the model in use cannot take, until they are dead-lettered. */
  private final List<PendingImage> unfit = new ArrayList<>();

  private DeadLetters letters;
  private ProcessorContext<byte[], Scored> context;
  private KeyValueStore<Long, PendingImage> store;
  private long oldestMs;
  private InFlight inFlight;

  BatchScoringProcessor(
      String storeName,
      Scorer scorer,
      int maxBatch,
      Duration maxWait,
      DetectorMetrics metrics,
      Executor inference,
      BatchListener listener) {
    this.storeName = storeName;
    this.listener = listener;
    this.scorer = scorer;
    this.maxBatch = maxBatch;
    this.maxWait = maxWait;
    this.metrics = metrics;
    this.inference = inference;
  }

  /**
   * Restores what the store holds. Kafka Streams calls this again on the same processor when it
   * revives a task (closed dirty, say after a commit timed out), after restoring the store from its
   * changelog: what this processor held before is forgotten first, since the store alone says what
   * is still to score. Images read in the aborted transaction were scored a second time, and
   * restored unfit ones dead-lettered twice, when they were kept.
   */
  @Override
  public void init(ProcessorContext<byte[], Scored> context) {
    forget();
    this.context = context;
    this.store = context.getStateStore(storeName);
    this.letters = (DeadLetters) context.appConfigs().get(DetectorConfig.DEAD_LETTERS_INSTANCE);
    ImageContract contract = scorer.contract();
    try (KeyValueIterator<Long, PendingImage> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Long, PendingImage> kv = it.next();
        if (fits(contract, kv.value.image())) {
          pending.put(kv.key, kv.value);
        } else {
          unfit.add(kv.value);
        }
      }
    }
    if (!unfit.isEmpty()) {
      LOG.error(
          "task {}: {} images restored from the batch store were read for another model's input "
              + "and do not fit {} ({}): they go to the dead-letter topic with their input offsets",
          context.taskId(),
          unfit.size(),
          contract,
          scorer.modelName());
    }
    if (!pending.isEmpty()) {
      LOG.info(
          "task {}: {} images restored from the batch store will be scored first",
          context.taskId(),
          pending.size());
      oldestMs = 0;
    }
    context.schedule(maxWait, PunctuationType.WALL_CLOCK_TIME, now -> {
      deadLetterUnfit();
      if (pending.isEmpty()) {
        // Nothing to read meanwhile: the batch in flight (if any) is the last one, forward it now.
        forwardInFlight();
      } else if (now - oldestMs >= maxWait.toMillis()) {
        submit();
        forwardInFlight();
      } else {
        forwardIfDone();
      }
    });
  }

  @Override
  public void process(Record<byte[], ImageInput> record) {
    deadLetterUnfit();
    RecordMetadata md = context.recordMetadata().orElseThrow();
    ImageInput in = record.value();
    String id = in.id() != null
        ? in.id()
        : record.key() != null
            ? new String(record.key(), StandardCharsets.UTF_8)
            : md.topic() + "-" + md.partition() + "@" + md.offset();
    long eventTime = in.eventTime() >= 0 ? in.eventTime() : record.timestamp();
    long now = context.currentSystemTimeMs();
    PendingImage p = new PendingImage(
        record.key(),
        in.identified(id, eventTime),
        md.topic(),
        md.partition(),
        md.offset(),
        record.timestamp(),
        now);
    store.put(md.offset(), p);
    if (pending.isEmpty()) {
      oldestMs = now;
    }
    pending.put(md.offset(), p);
    forwardIfDone();
    if (pending.size() >= maxBatch) {
      submit();
    }
  }

  /** Whether {@code contract} takes the stored pixels of {@code image}: the check {@link #submit} makes. */
  private static boolean fits(ImageContract contract, ImageInput image) {
    try {
      contract.check(image.format(), contract.width(), contract.height(), image.pixels());
      return true;
    } catch (ImageContractException e) {
      return false;
    }
  }

  /** Sends the restored images the model cannot take to the dead-letter topic, and forgets them. */
  private void deadLetterUnfit() {
    if (unfit.isEmpty()) {
      return;
    }
    for (PendingImage p : unfit) {
      ImageInput image = p.image();
      RejectedRecordException why = new RejectedRecordException(
          RejectReason.MODEL_CHANGED,
          String.format(
              Locale.ROOT,
              "restored from the batch store, its %d %s bytes were read for another model's input "
                  + "and do not fit %s (%s); the original record is %s-%d@%d",
              image.pixels().length,
              image.format(),
              scorer.contract(),
              scorer.modelName(),
              p.topic(),
              p.partition(),
              p.offset()),
          image.id(),
          null);
      ProducerRecord<byte[], byte[]> letter = letters.of(
          p.key(), null, p.topic(), p.partition(), p.offset(), p.timestamp(), why, "restore");
      context.forward(new Record<>(letter.key(), Scored.deadLetter(letter.value()), p.timestamp()));
      metrics.deadLetter(RejectReason.MODEL_CHANGED);
      store.delete(p.offset());
    }
    unfit.clear();
  }

  /** Hands the pending images to the inference executor, once the batch before them is forwarded. */
  private void submit() {
    forwardInFlight();
    int n = pending.size();
    ImageContract contract = scorer.contract();
    float[] x = new float[n * contract.size()];
    List<PendingImage> batch = new ArrayList<>(pending.values());
    for (int i = 0; i < n; i++) {
      // Pixels were checked against this contract when they were read; here they only become
      // floats.
      ImageInput in = batch.get(i).image();
      contract.toTensor(
          in.format(), contract.width(), contract.height(), in.pixels(), x, i * contract.size());
    }
    pending.clear();
    inFlight = new InFlight(
        batch,
        x,
        CompletableFuture.supplyAsync(
            () -> {
              long t0 = System.nanoTime();
              ScoreBatch scores = scorer.score(x, n);
              long took = System.nanoTime() - t0;
              metrics.batch(n, Duration.ofNanos(took));
              return new Timed(scores, took);
            },
            inference));
    // A direct executor has scored it already.
    forwardIfDone();
  }

  private void forwardIfDone() {
    if (inFlight != null && inFlight.scores().isDone()) {
      forwardInFlight();
    }
  }

  /** Waits for the batch in flight (if any), forwards its scores and deletes its images from the store. */
  private void forwardInFlight() {
    InFlight f = inFlight;
    if (f == null) {
      return;
    }
    inFlight = null;
    Timed timed = await(f.scores());
    ScoreBatch scores = timed.scores();
    // The model that scored this batch labels it, even if another one has taken over since.
    Scorer model = scores.model() != null ? scores.model() : scorer;
    List<PendingImage> batch = f.images();
    int n = batch.size();
    double threshold = model.threshold();
    Localizer localizer = scores.maps() != null ? model.localizer() : null;
    ImageContract contract = model.contract();
    int plane = contract.width() * contract.height();
    long now = context.currentSystemTimeMs();
    List<byte[]> keys = new ArrayList<>(n);
    List<AnomalyScore> forwarded = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      PendingImage p = batch.get(i);
      ImageInput image = p.image();
      AnomalyScore.Builder b = ScoredBatch.verdict(
              AnomalyScore.newBuilder(), model, threshold, scores, i)
          .setEventId(image.id())
          .setSource(image.source())
          .setEventTime(Instant.ofEpochMilli(image.eventTime()))
          .setScoredTime(Instant.ofEpochMilli(now))
          .setProcessingLatencyMs((double) (now - p.readTimeMs()))
          .setLabel(image.label())
          .setAnomalous(image.anomalous())
          .setInputTopic(p.topic())
          .setInputPartition(p.partition())
          .setInputOffset(p.offset())
          .setAttributes(image.attributes());
      double score = b.getScore();
      boolean anomalous = b.getIsAnomaly();
      AnomalyScore plain = b.build();
      AnomalyScore flagged = null;
      if (anomalous) {
        flagged = localizer == null
            ? plain
            : b.setLocalization(localizer.localize(
                    scores.maps(),
                    i * plane,
                    image.sourceWidth() > 0 ? image.sourceWidth() : contract.width(),
                    image.sourceHeight() > 0 ? image.sourceHeight() : contract.height()))
                .build();
      }
      context.forward(new Record<>(p.key(), new Scored(plain, flagged), p.timestamp()));
      keys.add(p.key());
      forwarded.add(plain);
      metrics.scored(score, anomalous, image.source(), image.eventTime(), p.readTimeMs(), now);
      store.delete(p.offset());
      if (anomalous) {
        LOG.debug(
            "anomaly {} from {}-{}@{}: score {} > {}",
            image.id(),
            p.topic(),
            p.partition(),
            p.offset(),
            score,
            threshold);
      }
    }
    tell(new ScoredBatch(contract, f.tensors(), keys, forwarded, timed.nanos(), model));
  }

  /** Tells the listener; what it throws is logged, never allowed to stop scoring. */
  private void tell(ScoredBatch scored) {
    try {
      listener.scored(scored);
    } catch (RuntimeException e) {
      LOG.warn(
          "a batch listener failed on a batch of {} images: {}", scored.size(), e.toString(), e);
    }
  }

  /** The scores, or the scorer's own exception on this thread (the thread is replaced; images stay stored). */
  private static Timed await(CompletableFuture<Timed> scores) {
    try {
      return scores.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * A batch still in flight is waited for but not forwarded: its images are in the store, which
   * commits with this task, so whoever owns the task next scores them.
   */
  @Override
  public void close() {
    if (inFlight != null) {
      try {
        inFlight.scores().join();
      } catch (CompletionException e) {
        LOG.debug("a batch in flight at close failed; its images stay in the store", e);
      }
    }
    forget();
  }

  /** Drops every image this processor holds, which the store keeps until it is forwarded. */
  private void forget() {
    inFlight = null;
    pending.clear();
    unfit.clear();
    oldestMs = 0;
  }
}
