package io.vaestream.tools;

import io.vaestream.events.AnomalyScore;
import io.vaestream.trainer.score.Metrics;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Running totals over the scores read so far: count, anomalies, latency, precision, recall, AUROC.
 * Latencies and labelled scores are kept in bounded uniform samples (reservoirs), so that a
 * {@code tail} left running for days holds the same memory and prints its line as fast as in its
 * first minute; below the bounds nothing is left out.
 */
final class ScoreSummary {
  private static final int ALL_FLAGGED_AFTER = 20;
  /** Latencies kept for the quantiles, which the summary line sorts every second. */
  static final int LATENCY_SAMPLE = 100_000;
  /** Labelled scores kept for the AUROC. */
  static final int SCORE_SAMPLE = 1_000_000;

  private long n;
  private long flagged;
  private long tp;
  private long fp;
  private long fn;
  private long labelled;
  private final Reservoir latency;
  private final Reservoir scores;
  private final long started = System.nanoTime();

  ScoreSummary() {
    this(LATENCY_SAMPLE, SCORE_SAMPLE);
  }

  ScoreSummary(int latencySample, int scoreSample) {
    latency = new Reservoir(latencySample, 1);
    scores = new Reservoir(scoreSample, 2);
  }

  void add(AnomalyScore s) {
    latency.add(s.getScoredTime().toEpochMilli() - s.getEventTime().toEpochMilli(), false);
    if (s.getIsAnomaly()) {
      flagged++;
    }
    if (s.getAnomalous() != null) {
      scores.add(s.getScore(), s.getAnomalous());
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
        : String.format(
            Locale.ROOT,
            "[tail] AUROC %.6f over %d labelled scores%s",
            auroc,
            labelled,
            scores.size() < labelled ? " (a uniform sample of " + scores.size() + ")" : "");
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
    return n == 0 ? Double.NaN : Metrics.quantile(latency.values(), q);
  }

  /** AUROC against ground truth; NaN without both normal and anomalous labelled scores. */
  double aurocValue() {
    boolean[] t = scores.flags();
    boolean both = false;
    for (int i = 1; i < t.length; i++) {
      both |= t[i] != t[0];
    }
    return both ? Metrics.auroc(scores.values(), t) : Double.NaN;
  }

  /** Latencies kept, at most {@link #LATENCY_SAMPLE} (for tests). */
  int latenciesKept() {
    return latency.size();
  }

  /** A uniform sample of at most {@code capacity} values with a flag each (Vitter's algorithm R). */
  private static final class Reservoir {
    private final int capacity;
    private final SplittableRandom random;
    private double[] values = new double[1024];
    private boolean[] flags = new boolean[1024];
    private long seen;

    Reservoir(int capacity, long seed) {
      this.capacity = capacity;
      this.random = new SplittableRandom(seed);
    }

    void add(double value, boolean flag) {
      int at;
      if (seen < capacity) {
        at = (int) seen;
        if (at == values.length) {
          values = Arrays.copyOf(values, Math.min(capacity, 2 * values.length));
          flags = Arrays.copyOf(flags, values.length);
        }
      } else {
        long j = random.nextLong(seen + 1);
        at = j < capacity ? (int) j : -1;
      }
      if (at >= 0) {
        values[at] = value;
        flags[at] = flag;
      }
      seen++;
    }

    int size() {
      return (int) Math.min(seen, capacity);
    }

    double[] values() {
      return Arrays.copyOf(values, size());
    }

    boolean[] flags() {
      return Arrays.copyOf(flags, size());
    }
  }
}
