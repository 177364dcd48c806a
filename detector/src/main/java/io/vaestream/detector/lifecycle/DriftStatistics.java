package io.vaestream.detector.lifecycle;

import io.vaestream.schemas.CalibrationProfile;

/**
 * How far a window of recent values of one signal has moved from the model's calibration
 * distribution ({@link CalibrationProfile}): the population stability index and the
 * Kolmogorov–Smirnov distance, with the critical value that the distance is compared with. Pure
 * functions of sorted arrays, so that {@link DriftMonitor} sorts each window once per batch and
 * the tests can check hand-computed cases.
 */
public final class DriftStatistics {
  /**
   * The share given to a bin that no value of the window falls in, so that PSI stays finite: such a
   * bin adds (0.1 − ε)·ln(0.1 / ε) ≈ 0.69 with ε = 10⁻⁴, enough on its own to cross the default
   * threshold of 0.25, as a whole decile of the calibration going missing should.
   */
  public static final double EMPTY_BIN_SHARE = 1e-4;
  /** Equal-probability bins of PSI: the calibration's deciles. */
  public static final int BINS = 10;

  private DriftStatistics() {}

  /**
   * The population stability index Σ (aᵢ − eᵢ)·ln(aᵢ / eᵢ) of {@code sorted} against the
   * calibration of {@code signal}, over the 10 bins cut at the calibration's deciles: eᵢ is the
   * calibration's share of bin i (0.1 each for a continuous calibration), aᵢ the window's ({@link
   * #EMPTY_BIN_SHARE} when none). Where neighbouring deciles are equal (a value shared by many
   * calibration images, such as black) their bins merge into one that expects the jump of the
   * calibration's CDF there, so that a bin no value can fall in does not count as drift. Values
   * equal to a decile fall in the bin below it.
   *
   * @param sorted the window's values in increasing order, at least one
   */
  public static double psi(CalibrationProfile profile, String signal, double[] sorted) {
    requireValues(sorted);
    int m = sorted.length;
    double psi = 0;
    double lowerP = 0;
    int lowerCount = 0;
    for (int k = 1; k <= BINS; k++) {
      boolean top = k == BINS;
      double edge = top ? Double.POSITIVE_INFINITY : profile.quantile(signal, (double) k / BINS);
      double p = top ? 1 : profile.cdf(signal, edge);
      if (!top && (p <= lowerP || p >= 1)) {
        continue; // the same edge as the bin below, or the top: merged with the next bin
      }
      int count = top ? m : countAtMost(sorted, edge);
      double expected = p - lowerP;
      double actual = Math.max((double) (count - lowerCount) / m, EMPTY_BIN_SHARE);
      psi += (actual - expected) * Math.log(actual / expected);
      lowerP = p;
      lowerCount = count;
    }
    return psi;
  }

  /**
   * The Kolmogorov–Smirnov distance D = sup |F_window(x) − F_cal(x)| between the empirical CDF of
   * {@code sorted} and the calibration's piecewise-linear CDF ({@link CalibrationProfile#cdf}).
   * Between two points where either CDF has a corner or a step, one is constant and the other
   * monotone, so the supremum is taken at those points, from both sides: at every window value and
   * every calibration quantile. O((m + L)·log m) for m values and L quantiles.
   *
   * @param sorted the window's values in increasing order, at least one
   */
  public static double ks(CalibrationProfile profile, String signal, double[] sorted) {
    requireValues(sorted);
    double d = 0;
    int i = 0;
    while (i < sorted.length) {
      int j = i + 1; // past i at once: a NaN equals nothing, not even itself
      while (j < sorted.length && sorted[j] == sorted[i]) {
        j++;
      }
      d = Math.max(d, distance(profile, signal, sorted, sorted[i], i, j));
      i = j;
    }
    for (double q : profile.quantiles(signal)) {
      d = Math.max(
          d, distance(profile, signal, sorted, q, countBelow(sorted, q), countAtMost(sorted, q)));
    }
    return d;
  }

  /** The larger gap between the two CDFs at {@code x} and just below it. */
  private static double distance(
      CalibrationProfile profile, String signal, double[] sorted, double x, int below, int atMost) {
    double m = sorted.length;
    return Math.max(
        Math.abs(atMost / m - profile.cdf(signal, x)),
        Math.abs(below / m - profile.cdfBelow(signal, x)));
  }

  /**
   * The two-sample Kolmogorov–Smirnov critical value at level {@code alpha} for samples of {@code
   * n} and {@code m}: c(α)·√((n + m)/(n·m)) with c(α) = √(−ln(α/2)/2). Two samples, not one: the
   * calibration CDF is itself an estimate from {@code m} images.
   */
  public static double ksCritical(double alpha, int n, int m) {
    if (!(alpha > 0 && alpha < 1) || n < 1 || m < 1) {
      throw new IllegalArgumentException(
          "a KS critical value needs 0 < alpha < 1 and two samples, got alpha=" + alpha + ", n=" + n
              + ", m=" + m);
    }
    return Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt((double) (n + m) / ((double) n * m));
  }

  private static void requireValues(double[] sorted) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("drift statistics need at least one value");
    }
  }

  /** How many values are below {@code x}. */
  private static int countBelow(double[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** How many values are at most {@code x}. */
  private static int countAtMost(double[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
