package io.vaestream.detector.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One change of a drift state, as {@link DriftMonitor} writes it to the drift topic: one JSON
 * line, keyed by the source ({@value DriftMonitor#ALL_SOURCES} for all sources together).
 *
 * <p>For example {@code {"instance":"detector-1","source":"cam-3","signal":"mean_intensity",
 * "state":"drift","psi":0.91,"ks":0.42,"ks_critical":0.087,"window_events":1000,
 * "anomaly_rate":0.012,"target_far":0.01,"model_name":"fashion","model_version":"3",
 * "time":"2026-12-01T10:00:00Z"}}.
 *
 * @param state {@value DriftMonitor#DRIFT} or {@value DriftMonitor#RECOVERED}
 * @param psi the window's population stability index; null for the anomaly rate, and for a state
 *     closed by a model change (its window is gone)
 * @param ks the window's Kolmogorov–Smirnov distance; null as {@code psi} is
 * @param ksCritical the distance above which the signal drifts; null as {@code psi} is
 * @param windowEvents events in the window when the state changed
 * @param anomalyRate share of flagged events in the window (null when it is empty)
 * @param targetFar the false-alarm rate the model's threshold was set for (null when it does not say)
 */
public record DriftEvent(
    String instance,
    String source,
    String signal,
    String state,
    Double psi,
    Double ks,
    Double ksCritical,
    int windowEvents,
    Double anomalyRate,
    Double targetFar,
    String modelName,
    String modelVersion,
    Instant time) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public String toJson() {
    ObjectNode o = JSON.createObjectNode()
        .put("instance", instance)
        .put("source", source)
        .put("signal", signal)
        .put("state", state)
        .put("psi", psi)
        .put("ks", ks)
        .put("ks_critical", ksCritical)
        .put("window_events", windowEvents)
        .put("anomaly_rate", anomalyRate)
        .put("target_far", targetFar)
        .put("model_name", modelName)
        .put("model_version", modelVersion)
        .put("time", time.toString());
    return o.toString();
  }

  /** A finite number, or null (JSON has no NaN). */
  static Double orNull(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
