package io.vaestream.detector.lifecycle;

import java.util.Arrays;

/**
 * How far a shadow model agrees with the live one, over the last {@code capacity} images both
 * scored: the share of images both flag or both pass, the rank correlation of their scores
 * (Spearman's ρ, ties given their average rank), and each model's anomaly rate. Not thread-safe:
 * {@link ShadowScoring} feeds and reads it from one thread.
 */
final class ShadowAgreement {
  /** The figures over the images in the window; NaN where there are none (ρ: fewer than 2, or a constant score). */
  record Snapshot(
      int images,
      double flagAgreement,
      double rankCorrelation,
      double liveAnomalyRate,
      double shadowAnomalyRate) {}

  private final double[] live;
  private final double[] shadow;
  private final boolean[] liveFlag;
  private final boolean[] shadowFlag;
  private int next;
  private int size;

  ShadowAgreement(int capacity) {
    if (capacity < 2) {
      throw new IllegalArgumentException(
          "the agreement window must hold at least 2 images, not " + capacity);
    }
    live = new double[capacity];
    shadow = new double[capacity];
    liveFlag = new boolean[capacity];
    shadowFlag = new boolean[capacity];
  }

  /** One image, as each model scored and flagged it; the oldest leaves a full window. */
  void add(double liveScore, boolean liveAnomaly, double shadowScore, boolean shadowAnomaly) {
    live[next] = liveScore;
    shadow[next] = shadowScore;
    liveFlag[next] = liveAnomaly;
    shadowFlag[next] = shadowAnomaly;
    next = (next + 1) % live.length;
    size = Math.min(size + 1, live.length);
  }

  /** Forgets every image: a new model on either side starts a new comparison. */
  void clear() {
    next = 0;
    size = 0;
  }

  Snapshot snapshot() {
    if (size == 0) {
      return new Snapshot(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    int same = 0;
    int liveFlags = 0;
    int shadowFlags = 0;
    for (int i = 0; i < size; i++) {
      same += liveFlag[i] == shadowFlag[i] ? 1 : 0;
      liveFlags += liveFlag[i] ? 1 : 0;
      shadowFlags += shadowFlag[i] ? 1 : 0;
    }
    double rho = pearson(ranks(Arrays.copyOf(live, size)), ranks(Arrays.copyOf(shadow, size)));
    return new Snapshot(
        size, (double) same / size, rho, (double) liveFlags / size, (double) shadowFlags / size);
  }

  /** The rank of each value, 1 for the smallest; equal values share the mean of their ranks. */
  static double[] ranks(double[] values) {
    int n = values.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
    double[] ranks = new double[n];
    for (int start = 0; start < n; ) {
      int end = start + 1;
      while (end < n && Double.compare(values[order[end]], values[order[start]]) == 0) {
        end++;
      }
      double mean = (start + 1 + end) / 2.0; // ranks start+1 … end
      for (int j = start; j < end; j++) {
        ranks[order[j]] = mean;
      }
      start = end;
    }
    return ranks;
  }

  /** Pearson's correlation; NaN for fewer than 2 values or a constant series. */
  static double pearson(double[] x, double[] y) {
    int n = x.length;
    if (n < 2) {
      return Double.NaN;
    }
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
  }
}
