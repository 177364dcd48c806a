package io.vaestream.detector.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaestream.detector.preprocess.RejectReason;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The detector's own meters, beside the Kafka Streams metrics the binder adds: events scored,
 * anomalies, dead letters by reason, batch size, inference latency and the score distribution.
 */
public final class DetectorMetrics {
  /** Key under which the instance travels in the Streams configuration, to reach the handlers. */
  public static final String CONFIG_KEY = "vaestream.metrics.instance";

  private final MeterRegistry registry;
  private final Counter scored;
  private final Counter anomalies;
  private final Map<RejectReason, Counter> deadLetters = new EnumMap<>(RejectReason.class);
  private final DistributionSummary batchSize;
  private final Timer inference;
  private final DistributionSummary scores;

  public DetectorMetrics(MeterRegistry registry) {
    this.registry = registry;
    scored = Counter.builder("vaestream.events.scored").description("Image events scored").register(registry);
    anomalies = Counter.builder("vaestream.anomalies").description("Events flagged as anomalous").register(registry);
    for (RejectReason r : RejectReason.values()) {
      deadLetters.put(r, Counter.builder("vaestream.dead.letters").tag("reason", r.name())
          .description("Records sent to the dead-letter topic").register(registry));
    }
    batchSize = DistributionSummary.builder("vaestream.batch.size").description("Images per inference call")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256).register(registry);
    inference = Timer.builder("vaestream.inference").description("ONNX Runtime time per batch")
        .publishPercentileHistogram().register(registry);
    scores = DistributionSummary.builder("vaestream.score").description("Anomaly scores")
        .publishPercentileHistogram().register(registry);
  }

  /** Meters that go nowhere, for tests and tools. */
  public static DetectorMetrics noop() {
    return new DetectorMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void batch(int size, Duration took) {
    batchSize.record(size);
    inference.record(took);
  }

  public void scored(double score, boolean anomalous) {
    scored.increment();
    scores.record(score);
    if (anomalous) {
      anomalies.increment();
    }
  }

  public void deadLetter(RejectReason reason) {
    deadLetters.get(reason).increment();
  }

  public double scoredCount() {
    return scored.count();
  }

  public double deadLetterCount(RejectReason reason) {
    return deadLetters.get(reason).count();
  }
}
