package io.vaestream.tools;

import io.vaestream.events.AnomalyScore;
import io.vaestream.trainer.score.Metrics;
import java.util.Arrays;
import java.util.Locale;

/** Running totals over the scores read so far: count, anomalies, latency, precision, recall, AUROC. */
final class ScoreSummary {
  private static final int ALL_FLAGGED_AFTER = 20;

  private long n;
  private long flagged;
  private long tp;
  private long fp;
  private long fn;
  private long labelled;
  private double[] latency = new double[1024];
  private double[] scores = new double[1024];
  private boolean[] truth = new boolean[1024];
  private final long started = System.nanoTime();

  void add(AnomalyScore s) {
    if (n == latency.length) {
      latency = Arrays.copyOf(latency, latency.length * 2);
      scores = Arrays.copyOf(scores, scores.length * 2);
      truth = Arrays.copyOf(truth, truth.length * 2);
    }
    latency[(int) n] = s.getScoredTime().toEpochMilli() - s.getEventTime().toEpochMilli();
    if (s.getIsAnomaly()) {
      flagged++;
    }
    if (s.getAnomalous() != null) {
      truth[(int) labelled] = s.getAnomalous();
      scores[(int) labelled] = s.getScore();
      labelled++;
      boolean t = s.getAnomalous();
      if (s.getIsAnomaly() && t) {
        tp++;
      } else if (s.getIsAnomaly()) {
        fp++;
      } else if (t) {
        fn++;
      }
    }
    n++;
  }

  String line() {
    double secs = (System.nanoTime() - started) / 1e9;
    String base = String.format(
        Locale.ROOT,
        "[tail] %d scores (%.0f/s), %d anomalies (%.2f%%), event-to-score "
            + "latency p50 %s ms, p99 %s ms",
        n,
        n / Math.max(secs, 1e-9),
        flagged,
        n == 0 ? 0 : 100.0 * flagged / n,
        pct(0.5),
        pct(0.99));
    if (labelled > 0 && onlyFlagged()) {
      base += String.format(
          Locale.ROOT,
          ", precision %.3f (%d labelled; every score read was flagged, as on the anomalies topic: "
              + "recall and AUROC need unflagged scores too, on the scores topic)",
          precision(),
          labelled);
    } else if (labelled > 0) {
      base += String.format(
          Locale.ROOT,
          ", precision %.3f, recall %.3f (%d labelled)",
          precision(),
          recall(),
          labelled);
    }
    return base;
  }

  /**
   * The AUROC line {@code tail} ends with; null without both normal and anomalous labels, or when
   * every score read was flagged (the anomalies topic), where it would rank flagged events alone.
   */
  String auroc() {
    double auroc = aurocValue();
    return Double.isNaN(auroc) || onlyFlagged()
        ? null
        : String.format(Locale.ROOT, "[tail] AUROC %.6f over %d labelled scores", auroc, labelled);
  }

  private String pct(double q) {
    return n == 0 ? "-" : String.format(Locale.ROOT, "%.0f", latency(q));
  }

  /**
   * Whether the detector flagged every one of at least {@value #ALL_FLAGGED_AFTER} scores read, as
   * on the anomalies topic (or from a model that flags everything): recall and AUROC then say
   * nothing.
   */
  private boolean onlyFlagged() {
    return n >= ALL_FLAGGED_AFTER && flagged == n;
  }

  /** Scores read so far. */
  long count() {
    return n;
  }

  /** Scores read so far that the detector flagged. */
  long flagged() {
    return flagged;
  }

  double precision() {
    return tp + fp == 0 ? 0 : (double) tp / (tp + fp);
  }

  double recall() {
    return tp + fn == 0 ? 0 : (double) tp / (tp + fn);
  }

  /** Event-to-score latency quantile in milliseconds; NaN before the first score. */
  double latency(double q) {
    return n == 0 ? Double.NaN : Metrics.quantile(Arrays.copyOf(latency, (int) n), q);
  }

  /** AUROC against ground truth; NaN without both normal and anomalous labelled scores. */
  double aurocValue() {
    boolean[] t = Arrays.copyOf(truth, (int) labelled);
    boolean both = false;
    for (int i = 1; i < t.length; i++) {
      both |= t[i] != t[0];
    }
    return both ? Metrics.auroc(Arrays.copyOf(scores, (int) labelled), t) : Double.NaN;
  }
}
