package io.vaestream.detector.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The drift meters of {@link DetectorMetrics}, which documents each method of the same name: the
 * PSI, Kolmogorov-Smirnov distance and anomaly rate of each drift window, whether each signal of
 * each source drifts, and the drift events written. A gauge is registered the first time its name
 * and labels are seen, and holds a double's bits.
 */
final class DriftMeters {
  private static final String DRIFTING = "vaestream.drifting";
  private static final List<String> DRIFT_STATES = List.of("drift", "recovered");

  private final MeterRegistry registry;
  /** Drift gauges by name and labels; each holds a double's bits. */
  private final Map<List<String>, AtomicLong> drift = new ConcurrentHashMap<>();

  DriftMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  void bindDriftEvents(List<String> signals) {
    signals.forEach(signal -> DRIFT_STATES.forEach(state -> driftEventCounter(signal, state)));
  }

  void drift(String signal, String source, double psi, double ks) {
    Tags tags = Tags.of("signal", signal, "source", source);
    driftGauge(
        "vaestream.drift.psi",
        "Population stability index of the drift window against the model's "
            + "calibration (10 equal-probability bins)",
        tags,
        psi);
    driftGauge(
        "vaestream.drift.ks",
        "Kolmogorov-Smirnov distance of the drift window from the model's calibration",
        tags,
        ks);
  }

  void driftAnomalyRate(String source, double rate) {
    driftGauge(
        "vaestream.drift.anomaly.rate",
        "Share of flagged events in the drift window",
        Tags.of("source", source),
        rate);
  }

  void drifting(String signal, String source, boolean drifting) {
    driftGauge(
        DRIFTING,
        "1 while the signal of the source's window drifts from the model's calibration",
        Tags.of("signal", signal, "source", source),
        drifting ? 1 : 0);
  }

  void driftEvent(String signal, String state) {
    driftEventCounter(signal, state).increment();
  }

  void driftReset() {
    drift.forEach((key, bits) ->
        bits.set(Double.doubleToLongBits(key.get(0).equals(DRIFTING) ? 0 : Double.NaN)));
  }

  private Counter driftEventCounter(String signal, String state) {
    return Counter.builder(DetectorMetrics.DRIFT_EVENTS)
        .tag("signal", signal)
        .tag("state", state)
        .description("Drift events written to the drift topic")
        .register(registry);
  }

  /** Sets a drift gauge, registering it the first time its name and labels are seen. */
  private void driftGauge(String name, String description, Tags tags, double value) {
    List<String> key = new ArrayList<>(List.of(name));
    tags.forEach(t -> key.add(t.getKey() + "=" + t.getValue()));
    drift
        .computeIfAbsent(key, k -> {
          AtomicLong bits = new AtomicLong();
          Gauge.builder(name, bits, b -> Double.longBitsToDouble(b.get()))
              .tags(tags)
              .description(description)
              .register(registry);
          return bits;
        })
        .set(Double.doubleToLongBits(value));
  }
}
