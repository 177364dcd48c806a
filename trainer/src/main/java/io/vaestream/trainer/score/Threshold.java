package io.vaestream.trainer.score;

import io.vaestream.schemas.ModelFormat;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An anomaly threshold set on held-out normal images with the conformal rule: of n held-out
 * scores sorted in increasing order, the threshold is the ⌈(n+1)(1−α)⌉-th. If held-out and future
 * normal images are exchangeable, a future normal image then exceeds it with probability at most
 * α, whatever the score's distribution (a plain (1−α)-quantile can fall short by up to 1/n).
 *
 * @param value flag an image when its score is above this
 * @param targetFalseAlarmRate the false-alarm rate α the threshold was set for
 * @param calibrationSize how many held-out normals it was set on
 * @param quantiles score quantiles of those normals, for operators who want to move it
 */
public record Threshold(
    double value, double targetFalseAlarmRate, int calibrationSize, Map<String, Double> quantiles) {

  private static final double[] QUANTILES = {0.5, 0.9, 0.95, 0.99, 0.995, 0.999};
  /** A rate α is well supported by n held-out normals when about this many of them lie above the threshold. */
  public static final int SUPPORTING_SCORES = 10;

  /** Calibrates on the scores of held-out normal images. */
  public static Threshold calibrate(double[] normalScores, double targetFalseAlarmRate) {
    if (!(targetFalseAlarmRate > 0 && targetFalseAlarmRate < 1)) {
      throw new IllegalArgumentException(
          "target-false-alarm-rate=" + targetFalseAlarmRate + " is invalid: expected (0, 1)");
    }
    if (normalScores.length == 0) {
      throw new IllegalArgumentException("no held-out normal images to calibrate the threshold on");
    }
    Map<String, Double> q = new LinkedHashMap<>();
    for (double p : QUANTILES) {
      q.put("p" + trim(p * 100), Metrics.quantile(normalScores, p));
    }
    q.put("max", Metrics.quantile(normalScores, 1));
    double[] sorted = normalScores.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    int rank = conformalRank(n, targetFalseAlarmRate);
    return new Threshold(sorted[Math.min(rank, n) - 1], targetFalseAlarmRate, n, q);
  }

  /** ⌈(n+1)(1−α)⌉, the rank of the conformal threshold among n sorted scores (may exceed n). */
  public static int conformalRank(int n, double alpha) {
    return (int) Math.ceil((n + 1) * (1 - alpha) - 1e-9);
  }

  /**
   * Why the held-out normals are too few for the target rate, or null. Below 1/(n+1) no threshold
   * can promise the rate at all; below {@value #SUPPORTING_SCORES}/n it rests on fewer than
   * {@value #SUPPORTING_SCORES} scores and moves a lot from one calibration set to another.
   */
  public String warning() {
    return warning(calibrationSize, targetFalseAlarmRate);
  }

  /** {@link #warning()} for n held-out normals and the rate α, before any threshold is set. */
  public static String warning(int n, double alpha) {
    if (conformalRank(n, alpha) > n) {
      return String.format(
          Locale.ROOT,
          "%d held-out normals cannot support a %s%% false-alarm rate: the lowest "
              + "rate they can promise is %s%% (1/(n+1)); the threshold is their maximum. Hold out more normal images "
              + "(--holdout) or raise --target-far",
          n,
          pct(alpha),
          pct(1.0 / (n + 1)));
    }
    if (n < SUPPORTING_SCORES / alpha) {
      int resting = n - conformalRank(n, alpha) + 1;
      return String.format(
          Locale.ROOT,
          "%d held-out normals support a %s%% false-alarm rate only loosely (it rests "
              + "on %d score%s); the smallest rate they support well is %s%% (%d/n). Hold out at least %d normal "
              + "images for %s%%",
          n,
          pct(alpha),
          resting,
          resting == 1 ? "" : "s",
          pct((double) SUPPORTING_SCORES / n),
          SUPPORTING_SCORES,
          (int) Math.ceil(SUPPORTING_SCORES / alpha),
          pct(alpha));
    }
    return null;
  }

  /** {@link #falseAlarmRange(int, double)} for this threshold's calibration size and target. */
  public double[] falseAlarmRange() {
    return falseAlarmRange(calibrationSize, targetFalseAlarmRate);
  }

  /**
   * The central 95 % range of the false-alarm rate that thresholds set on n held-out normals for
   * the rate α give, over calibration sets, as {@code [low, high]} rates. With the threshold at
   * rank k of n exchangeable held-out scores, the share of normal images above it follows
   * Beta(n + 1 − k, k), whatever the score: its mean, (n + 1 − k)/(n + 1), is at most α, and its
   * spread is what n held-out normals cannot pin down (600 at 1 % give 0.37–1.93 %).
   */
  public static double[] falseAlarmRange(int n, double alpha) {
    int k = Math.min(conformalRank(n, alpha), n);
    return new double[] {
      Metrics.betaQuantile(n + 1 - k, k, 0.025), Metrics.betaQuantile(n + 1 - k, k, 0.975)
    };
  }

  /**
   * The probability that {@code normals} test normal images show between {@code lo} and {@code hi}
   * false alarms under a threshold set on n held-out normals for α, over calibration sets and test
   * sets together.
   */
  public static double probabilityOfFalseAlarms(int n, double alpha, int normals, int lo, int hi) {
    int k = Math.min(conformalRank(n, alpha), n);
    return Metrics.betaBinomialProbability(normals, n + 1 - k, k, lo, hi);
  }

  public boolean isAnomaly(double score) {
    return ModelFormat.isAnomaly(score, value);
  }

  /** A rate as a percentage with 3 significant digits and no trailing zeros: 0.01 → "1". */
  private static String pct(double rate) {
    return new BigDecimal(100 * rate, new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
