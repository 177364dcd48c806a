package io.vaestream.detector.topology;

import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.preprocess.ImageInput;
import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.detector.topology.internal.PendingImage;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.ImageContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 */
final class BatchScoringProcessor implements Processor<byte[], ImageInput, byte[], AnomalyScore> {
  private static final Logger LOG = LoggerFactory.getLogger(BatchScoringProcessor.class);

  private final String storeName;
  private final Scorer scorer;
  private final int maxBatch;
  private final Duration maxWait;
  private final DetectorMetrics metrics;
  private final TreeMap<Long, PendingImage> pending = new TreeMap<>();
  private ProcessorContext<byte[], AnomalyScore> context;
  private KeyValueStore<Long, PendingImage> store;
  private long oldestMs;

  BatchScoringProcessor(String storeName, Scorer scorer, int maxBatch, Duration maxWait, DetectorMetrics metrics) {
    this.storeName = storeName;
    this.scorer = scorer;
    this.maxBatch = maxBatch;
    this.maxWait = maxWait;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], AnomalyScore> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    try (KeyValueIterator<Long, PendingImage> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Long, PendingImage> kv = it.next();
        pending.put(kv.key, kv.value);
      }
    }
    if (!pending.isEmpty()) {
      LOG.info("task {}: {} images restored from the batch store will be scored first", context.taskId(),
          pending.size());
      oldestMs = 0;
    }
    context.schedule(maxWait, PunctuationType.WALL_CLOCK_TIME, now -> {
      if (!pending.isEmpty() && now - oldestMs >= maxWait.toMillis()) {
        flush();
      }
    });
  }

  @Override
  public void process(Record<byte[], ImageInput> record) {
    RecordMetadata md = context.recordMetadata().orElseThrow();
    ImageInput in = record.value();
    String id = in.id() != null ? in.id()
        : record.key() != null ? new String(record.key(), StandardCharsets.UTF_8)
        : md.topic() + "-" + md.partition() + "@" + md.offset();
    long eventTime = in.eventTime() >= 0 ? in.eventTime() : record.timestamp();
    long now = context.currentSystemTimeMs();
    PendingImage p = new PendingImage(record.key(), id, in.source(), eventTime, in.label(), in.anomalous(),
        in.attributes(), md.topic(), md.partition(), md.offset(), record.timestamp(), now, in.format(), in.pixels());
    store.put(md.offset(), p);
    if (pending.isEmpty()) {
      oldestMs = now;
    }
    pending.put(md.offset(), p);
    if (pending.size() >= maxBatch) {
      flush();
    }
  }

  private void flush() {
    int n = pending.size();
    ImageContract contract = scorer.contract();
    float[] x = new float[n * contract.size()];
    List<Map.Entry<Long, PendingImage>> batch = new ArrayList<>(pending.entrySet());
    for (int i = 0; i < n; i++) {
      // Pixels were checked against this contract when they were read; here they only become floats.
      PendingImage p = batch.get(i).getValue();
      contract.toTensor(p.format(), contract.width(), contract.height(), p.pixels(), x, i * contract.size());
    }
    long t0 = System.nanoTime();
    ScoreBatch scores = scorer.score(x, n);
    metrics.batch(n, Duration.ofNanos(System.nanoTime() - t0));
    double threshold = scorer.threshold();
    long now = context.currentSystemTimeMs();
    for (int i = 0; i < n; i++) {
      PendingImage p = batch.get(i).getValue();
      double score = scores.score()[i];
      boolean anomalous = score > threshold;
      AnomalyScore s = AnomalyScore.newBuilder()
          .setEventId(p.id())
          .setSource(p.source())
          .setEventTime(Instant.ofEpochMilli(p.eventTime()))
          .setScoredTime(Instant.ofEpochMilli(now))
          .setModelName(scorer.modelName())
          .setModelVersion(scorer.modelVersion())
          .setReconstructionError(scores.reconstructionError()[i])
          .setKl(scores.kl()[i])
          .setScore(score)
          .setThreshold(threshold)
          .setIsAnomaly(anomalous)
          .setProcessingLatencyMs((double) (now - p.readTimeMs()))
          .setLabel(p.label())
          .setAnomalous(p.anomalous())
          .setInputTopic(p.topic())
          .setInputPartition(p.partition())
          .setInputOffset(p.offset())
          .setAttributes(p.attributes())
          .build();
      context.forward(new Record<>(p.key(), s, p.timestamp()));
      metrics.scored(score, anomalous);
      store.delete(batch.get(i).getKey());
      if (anomalous) {
        LOG.debug("anomaly {} from {}-{}@{}: score {} > {}", p.id(), p.topic(), p.partition(), p.offset(), score,
            threshold);
      }
    }
    pending.clear();
  }
}
