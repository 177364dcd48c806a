package io.vaestream.detector.lifecycle;

import static io.vaestream.detector.lifecycle.DriftMonitor.ALL_SOURCES;
import static io.vaestream.detector.lifecycle.DriftMonitor.DRIFT;
import static io.vaestream.detector.lifecycle.DriftMonitor.RECOVERED;
import static io.vaestream.detector.lifecycle.DriftMonitor.SIGNALS;

import io.vaestream.detector.lifecycle.DriftMonitor.Settings;
import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.detector.topology.ScoredBatch;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.CalibrationProfile;
import io.vaestream.schemas.ImageStatistics;
import io.vaestream.schemas.ModelFormat;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link DriftMonitor} does on its own thread, and the state it does it on: the rolling
 * windows (one over all sources, one per source for the first {@link DetectorMetrics#MAX_SOURCES}),
 * their comparison with the calibration of the model in use, the hysteresis of each (source,
 * signal), and the event, log line and metrics each change of state makes. Not thread-safe: the
 * monitor hands it one batch at a time.
 */
final class DriftTracker {
  // Logged as the monitor: the class a reader and a logging configuration know.
  private static final Logger LOG = LoggerFactory.getLogger(DriftMonitor.class);
  private static final int DISTRIBUTIONS = CalibrationProfile.SIGNALS.size();
  private static final int RATE = DISTRIBUTIONS;

  /** A window and the drift state of each of its signals. */
  private final class Tracked {
    final String source;
    final DriftWindow window = new DriftWindow(DISTRIBUTIONS, settings.windowEvents());
    final boolean[] drifting = new boolean[SIGNALS.size()];
    /** {@link DriftWindow#seen()} at each signal's last change. */
    final long[] changedAt = new long[SIGNALS.size()];

    Tracked(String source) {
      this.source = source;
      Arrays.fill(changedAt, Long.MIN_VALUE / 2);
    }
  }

  private final Settings settings;
  private final DetectorMetrics metrics;
  private final String instance;
  private final Consumer<DriftEvent> events;
  private final Clock clock;
  private Scorer model;
  private CalibrationProfile profile;
  private Tracked overall;
  private final Map<String, Tracked> bySource = new HashMap<>();
  /** Events left out of the windows because a value was NaN or infinite. */
  private long nonFinite;
  /** The windows that took events since the last {@link #judge()}. */
  private final Set<Tracked> touched = new LinkedHashSet<>();

  /** A tracker that starts with {@code first}'s calibration. */
  DriftTracker(
      Settings settings,
      DetectorMetrics metrics,
      String instance,
      Consumer<DriftEvent> events,
      Clock clock,
      Scorer first) {
    this.settings = settings;
    this.metrics = metrics;
    this.instance = instance;
    this.events = events;
    this.clock = clock;
    adopt(first);
  }

  /**
   * Adds a batch to its windows, after taking {@code now}'s calibration if the model changed (the
   * old model's windows are judged first); {@link #judge()} compares them with the calibration.
   */
  void add(Scorer now, ScoredBatch batch) {
    if (now != model) {
      judge();
      adopt(now);
    }
    if (profile == null || batch.size() == 0) {
      return;
    }
    // the very object: a model published again under the same name and version is another
    if (batch.model() != model) {
      return; // scored by the model before a swap: its calibration is not this one's
    }
    int size = batch.contract().size();
    double[] values = new double[DISTRIBUTIONS];
    touched.add(overall);
    for (int i = 0; i < batch.size(); i++) {
      AnomalyScore s = batch.scores().get(i);
      ImageStatistics st = ImageStatistics.of(batch.tensors(), i * size, size);
      values[0] = s.getScore();
      values[1] = st.meanIntensity();
      values[2] = st.contrast();
      if (!Double.isFinite(values[0] + values[1] + values[2])) {
        leftOut(s);
        continue;
      }
      overall.window.add(values, s.getIsAnomaly());
      Tracked t = source(s.getSource().toString());
      if (t != null) {
        t.window.add(values, s.getIsAnomaly());
        touched.add(t);
      }
    }
  }

  /**
   * An event whose score (or image statistic) is NaN or infinite has no place in a distribution:
   * it is left out of the windows and logged, the first time and every 1,000th.
   */
  private void leftOut(AnomalyScore s) {
    nonFinite++;
    if (nonFinite == 1 || nonFinite % 1000 == 0) {
      LOG.warn(
          "event {} has a score of {}: left out of the drift windows ({} events so far)",
          s.getEventId(),
          s.getScore(),
          nonFinite);
    }
  }

  /**
   * Compares every window that took events since the last call with the calibration, and records
   * what changed. The monitor calls it once per drain, not once per batch: it sorts each window's
   * signals, which costs far more than adding a batch.
   */
  void judge() {
    touched.forEach(this::judge);
    touched.clear();
  }

  /** The window of {@code name}, or null when it is beyond the first {@link DetectorMetrics#MAX_SOURCES}. */
  private Tracked source(String name) {
    String key = name.isBlank() ? "unknown" : name;
    Tracked t = bySource.get(key);
    if (t == null && bySource.size() < DetectorMetrics.MAX_SOURCES) {
      t = new Tracked(key);
      bySource.put(key, t);
      if (bySource.size() == DetectorMetrics.MAX_SOURCES) {
        LOG.info(
            "drift is tracked for {} sources; sources seen after {} count in the overall window only",
            DetectorMetrics.MAX_SOURCES,
            key);
      }
    }
    return t;
  }

  /** Compares a window that has enough events with the calibration, and records what changed. */
  private void judge(Tracked t) {
    int n = t.window.size();
    if (n < settings.minEvents()) {
      return;
    }
    double critical = DriftStatistics.ksCritical(settings.ksAlpha(), n, profile.n());
    double rate = t.window.anomalyRate();
    metrics.driftAnomalyRate(t.source, rate);
    for (int s = 0; s < DISTRIBUTIONS; s++) {
      String signal = SIGNALS.get(s);
      double[] sorted = t.window.sorted(s);
      double psi = DriftStatistics.psi(profile, signal, sorted);
      double ks = DriftStatistics.ks(profile, signal, sorted);
      metrics.drift(signal, t.source, psi, ks);
      boolean drifts = t.drifting[s]
          ? !(psi < settings.psiThreshold() / 2 && ks < critical)
          : psi > settings.psiThreshold() || ks > critical;
      change(t, s, drifts, psi, ks, critical, rate);
    }
    double far = model.targetFalseAlarmRate();
    if (!Double.isNaN(far)) {
      change(
          t,
          RATE,
          rate > settings.anomalyRateFactor() * far,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          rate);
    }
    for (int s = 0; s < SIGNALS.size(); s++) {
      metrics.drifting(
          SIGNALS.get(s), t.source, t.drifting[s]); // a source's series exist from its first check
    }
  }

  private void change(
      Tracked t, int s, boolean drifts, double psi, double ks, double critical, double rate) {
    if (drifts == t.drifting[s] || t.window.seen() - t.changedAt[s] < settings.minEvents()) {
      return;
    }
    t.drifting[s] = drifts;
    t.changedAt[s] = t.window.seen();
    emit(t, s, drifts ? DRIFT : RECOVERED, psi, ks, critical, rate);
  }

  private void emit(
      Tracked t, int s, String state, double psi, double ks, double critical, double rate) {
    String signal = SIGNALS.get(s);
    DriftEvent e = new DriftEvent(
        instance,
        t.source,
        signal,
        state,
        DriftEvent.orNull(psi),
        DriftEvent.orNull(ks),
        DriftEvent.orNull(critical),
        t.window.size(),
        DriftEvent.orNull(rate),
        DriftEvent.orNull(model.targetFalseAlarmRate()),
        model.modelName(),
        model.modelVersion(),
        clock.instant());
    metrics.drifting(signal, t.source, state.equals(DRIFT));
    metrics.driftEvent(signal, state);
    if (state.equals(DRIFT)) {
      LOG.warn(
          "drift: {} of source {} has left the calibration of {} v{} over its last {} events ({}); "
              + "the event is on the drift topic",
          signal,
          t.source,
          model.modelName(),
          model.modelVersion(),
          t.window.size(),
          Double.isNaN(psi)
              ? String.format(Locale.ROOT, "anomaly rate %.3f", rate)
              : String.format(Locale.ROOT, "PSI %.3f, KS %.3f against %.3f", psi, ks, critical));
    } else {
      LOG.info("drift: {} of source {} has recovered: {}", signal, t.source, e.toJson());
    }
    events.accept(e);
  }

  /** Takes {@code next}'s calibration: closes the old model's drift states and empties the windows. */
  private void adopt(Scorer next) {
    if (model != null && profile != null) {
      List<Tracked> all = new ArrayList<>(bySource.values());
      all.add(0, overall);
      for (Tracked t : all) {
        for (int s = 0; s < SIGNALS.size(); s++) {
          if (t.drifting[s]) {
            emit(t, s, RECOVERED, Double.NaN, Double.NaN, Double.NaN, t.window.anomalyRate());
          }
        }
      }
    }
    model = next;
    profile = next.calibrationProfile();
    touched.clear();
    overall = new Tracked(ALL_SOURCES);
    bySource.clear();
    metrics.driftReset();
    for (String signal : SIGNALS) {
      metrics.drifting(signal, ALL_SOURCES, false);
    }
    for (String signal : CalibrationProfile.SIGNALS) {
      metrics.drift(signal, ALL_SOURCES, Double.NaN, Double.NaN);
    }
    metrics.driftAnomalyRate(ALL_SOURCES, Double.NaN);
    if (profile == null) {
      LOG.info(
          "drift monitoring is off for model {} v{}: it carries no calibration profile ({}); retrain or "
              + "re-export it to get one",
          next.modelName(),
          next.modelVersion(),
          ModelFormat.CALIBRATION_PROFILE);
    } else {
      LOG.info(
          "drift monitoring of model {} v{}: windows of {} events, compared from {} on with the calibration of {} "
              + "held-out normals (PSI > {}, KS at alpha {}, anomaly rate > {} x {})",
          next.modelName(),
          next.modelVersion(),
          settings.windowEvents(),
          settings.minEvents(),
          profile.n(),
          settings.psiThreshold(),
          settings.ksAlpha(),
          settings.anomalyRateFactor(),
          next.targetFalseAlarmRate());
    }
  }
}
