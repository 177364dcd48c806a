package io.vaestream.detector.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaestream.detector.preprocess.RejectReason;
import io.vaestream.detector.scoring.NativeObjects;
import io.vaestream.detector.scoring.Scorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * The detector's own meters, beside the Kafka Streams metrics the binder adds: events scored,
 * anomalies, dead letters by reason, batch size, inference latency, the score distribution, and
 * drift from the model's calibration (kept by {@link DriftMeters}).
 */
public final class DetectorMetrics {
  /** Key under which the instance travels in the Streams configuration, to reach the handlers. */
  public static final String CONFIG_KEY = "vaestream.metrics.instance";

  /** The counter of drift events written, by signal and state. */
  public static final String DRIFT_EVENTS = "vaestream.drift.events";

  private final MeterRegistry registry;
  private final Counter scored;
  private final Counter anomalies;
  private final Map<RejectReason, Counter> deadLetters = new EnumMap<>(RejectReason.class);
  private final Counter deadLettersFailed;
  private final Counter modelSwaps;
  private final Counter modelRejections;
  private MultiGauge modelInfo;
  private final DistributionSummary batchSize;
  private final Timer inference;
  private final DistributionSummary scores;
  private final Timer eventToScore;
  private final Timer processing;
  private final Map<String, Counter[]> bySource = new ConcurrentHashMap<>();
  private final DriftMeters driftMeters;

  public DetectorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.driftMeters = new DriftMeters(registry);
    scored = counter(registry, "vaestream.events.scored", "Image events scored");
    anomalies = counter(registry, "vaestream.anomalies", "Events flagged as anomalous");
    for (RejectReason r : RejectReason.values()) {
      deadLetters.put(
          r,
          Counter.builder("vaestream.dead.letters")
              .tag("reason", r.name())
              .description("Records sent to the dead-letter topic")
              .register(registry));
    }
    deadLettersFailed = counter(
        registry,
        "vaestream.dead.letters.failed",
        "Dead letters the producer or the broker refused (see dlq.failure.policy)");
    modelSwaps = counter(registry, "vaestream.model.swaps", "Published models that went live");
    modelRejections = counter(
        registry,
        "vaestream.model.rejections",
        "Published models that failed validation (the model in use kept scoring)");
    batchSize = DistributionSummary.builder("vaestream.batch.size")
        .description("Images per inference call")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
        .register(registry);
    inference = Timer.builder("vaestream.inference")
        .description("ONNX Runtime time per batch")
        .publishPercentileHistogram()
        .register(registry);
    scores = DistributionSummary.builder("vaestream.score")
        .description("Anomaly scores")
        .publishPercentileHistogram()
        .register(registry);
    eventToScore = latency(
        registry,
        "vaestream.event.to.score",
        "From the event's time (set by its producer) to its score being ready; skewed by the producer's clock",
        Duration.ofMinutes(10));
    processing = latency(
        registry,
        "vaestream.processing",
        "From the detector reading the record to its score being ready: batching and inference",
        Duration.ofMinutes(1));
  }

  private static Counter counter(MeterRegistry registry, String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  /** A latency timer with a histogram from 1 ms to {@code max}. */
  private static Timer latency(
      MeterRegistry registry, String name, String description, Duration max) {
    return Timer.builder(name)
        .description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(max)
        .register(registry);
  }

  /** Meters that go nowhere, for tests and tools. */
  public static DetectorMetrics noop() {
    return new DetectorMetrics(new SimpleMeterRegistry());
  }

  /**
   * Adds the process's own meters: JVM memory (heap and the pools outside it, direct buffers),
   * garbage collection, threads, classes, CPU, uptime, file descriptors, and the resident set
   * size, which is the only figure that includes ONNX Runtime's native allocations. Close the
   * returned handle to stop listening for collections.
   */
  public AutoCloseable bindProcessMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Gauge.builder("process.resident.memory", DetectorMetrics::residentBytes)
        .baseUnit(BaseUnits.BYTES)
        .description("Resident set size of the process (VmRSS), heap and native memory together")
        .register(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return gc;
  }

  /**
   * Adds the ONNX Runtime object counts of the scorer's model in use, so that a leak of tensors or
   * results shows; after a model swap they are the new model's.
   */
  public void bindNativeObjects(Scorer scorer) {
    Gauge.builder(
            "vaestream.onnx.objects.open",
            scorer,
            s -> count(s.nativeObjects(), NativeObjects::open))
        .strongReference(true)
        .description("ONNX Runtime tensors and results created and not yet closed")
        .register(registry);
    FunctionCounter.builder(
            "vaestream.onnx.objects.allocated",
            scorer,
            s -> count(s.nativeObjects(), NativeObjects::created))
        .description("ONNX Runtime tensors and results created by the model in use")
        .register(registry);
  }

  private static double count(NativeObjects objects, ToLongFunction<NativeObjects> f) {
    return objects == null ? 0 : f.applyAsLong(objects);
  }

  /** Adds the stream-thread failures (each a Kafka Streams restart) of the last window and a 0/1 readiness gauge. */
  public void bindHealth(StreamHealth health) {
    Gauge.builder("vaestream.stream.restarts.recent", health, StreamHealth::recentFailures)
        .strongReference(true)
        .description("Stream-thread failures, each a Kafka Streams restart, within "
            + "health.restart.window.ms")
        .register(registry);
    Gauge.builder("vaestream.ready", health, h -> h.notReady() == null ? 1 : 0)
        .strongReference(true)
        .description("1 when /ready answers 200, 0 otherwise")
        .register(registry);
  }

  /** VmRSS of this process in bytes; NaN where there is no /proc (not Linux). */
  static double residentBytes() {
    return residentBytes("self");
  }

  /** VmRSS of process {@code pid} ("self" for this one) in bytes; NaN when it is gone or not on Linux. */
  public static double residentBytes(String pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Double.parseDouble(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through: not measurable here
    }
    return Double.NaN;
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

  /**
   * As {@link #scored(double, boolean)}, with the event's source (camera), event time, the time the
   * detector read it and the time its score was ready (epoch milliseconds).
   */
  public void scored(
      double score,
      boolean anomalous,
      String source,
      long eventTimeMs,
      long readTimeMs,
      long nowMs) {
    scored(score, anomalous);
    Counter[] c = bySource.computeIfAbsent(sourceTag(source), s -> new Counter[] {
      Counter.builder("vaestream.events.scored.by.source")
          .tag("source", s)
          .description("Image events scored, per source (the first " + MAX_SOURCES
              + " sources; the rest as other)")
          .register(registry),
      Counter.builder("vaestream.anomalies.by.source")
          .tag("source", s)
          .description("Events flagged as anomalous, per source")
          .register(registry)
    });
    c[0].increment();
    if (anomalous) {
      c[1].increment();
    }
    if (eventTimeMs > 0 && nowMs >= eventTimeMs) {
      eventToScore.record(Duration.ofMillis(nowMs - eventTimeMs));
    }
    processing.record(Duration.ofMillis(Math.max(0, nowMs - readTimeMs)));
  }

  /** Distinct sources that get a series of their own; beyond them, "other" keeps the label set bounded. */
  public static final int MAX_SOURCES = 100;

  private String sourceTag(String source) {
    String s = source == null || source.isBlank() ? "unknown" : source;
    return bySource.containsKey(s) || bySource.size() < MAX_SOURCES ? s : "other";
  }

  /**
   * Adds what operators need to know about the model in use: {@code vaestream_model_info} (1,
   * labelled with name, version, SHA-256 and device), the threshold in force and the false-alarm
   * rate it was calibrated for.
   */
  public void bindModel(Scorer scorer) {
    modelInfo = MultiGauge.builder("vaestream.model.info")
        .description("The model in use (always 1)")
        .register(registry);
    modelChanged(scorer);
    Gauge.builder("vaestream.threshold", scorer, Scorer::threshold)
        .description("The anomaly threshold in force")
        .register(registry);
    Gauge.builder(
            "vaestream.threshold.target.false.alarm.rate", scorer, Scorer::targetFalseAlarmRate)
        .description("The false-alarm rate the threshold was calibrated for (NaN if unknown)")
        .register(registry);
  }

  /** The model info after a model swap: one series, for the model now in use. */
  public void modelChanged(Scorer scorer) {
    modelInfo.register(
        List.of(MultiGauge.Row.of(
            Tags.of(
                "name",
                scorer.modelName(),
                "version",
                scorer.modelVersion(),
                "sha256",
                scorer.sha256(),
                "device",
                scorer.device()),
            1)),
        true);
  }

  /** Counts a published model that went live, or one that was rejected. */
  public void modelPublished(boolean accepted) {
    (accepted ? modelSwaps : modelRejections).increment();
  }

  /**
   * Registers the drift-event counters of {@code signals}, both states, so that dashboards and
   * alerts find them before the first event.
   */
  public void bindDriftEvents(List<String> signals) {
    driftMeters.bindDriftEvents(signals);
  }

  /** The PSI and the Kolmogorov–Smirnov D of a signal in a source's drift window ({@code *}: all sources). */
  public void drift(String signal, String source, double psi, double ks) {
    driftMeters.drift(signal, source, psi, ks);
  }

  /** The share of flagged events in a source's drift window. */
  public void driftAnomalyRate(String source, double rate) {
    driftMeters.driftAnomalyRate(source, rate);
  }

  /** Whether a signal of a source drifts now: 1 from its drift event to its recovered event. */
  public void drifting(String signal, String source, boolean drifting) {
    driftMeters.drifting(signal, source, drifting);
  }

  /** Counts a drift event written, {@code state} drift or recovered. */
  public void driftEvent(String signal, String state) {
    driftMeters.driftEvent(signal, state);
  }

  /** After a model change: every drift statistic back to NaN, every drifting gauge to 0. */
  public void driftReset() {
    driftMeters.driftReset();
  }

  public void deadLetter(RejectReason reason) {
    deadLetters.get(reason).increment();
  }

  public void deadLetterFailed() {
    deadLettersFailed.increment();
  }

  public double deadLetterFailedCount() {
    return deadLettersFailed.count();
  }

  /** Records scored or dead-lettered so far: grows whenever the stream makes progress. */
  public long progress() {
    return (long) (scored.count()
        + deadLetters.values().stream().mapToDouble(Counter::count).sum());
  }

  public double scoredCount() {
    return scored.count();
  }

  public double deadLetterCount(RejectReason reason) {
    return deadLetters.get(reason).count();
  }
}
