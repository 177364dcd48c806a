package io.vaestream.trainer.score;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An anomaly threshold set on held-out normal images: the score that a fraction {@code
 * targetFalseAlarmRate} of normal images exceed.
 *
 * @param value flag an image when its score is above this
 * @param targetFalseAlarmRate the false-alarm rate the threshold was set for
 * @param calibrationSize how many held-out normals it was set on
 * @param quantiles score quantiles of those normals, for operators who want to move it
 */
public record Threshold(
    double value, double targetFalseAlarmRate, int calibrationSize, Map<String, Double> quantiles) {

  private static final double[] QUANTILES = {0.5, 0.9, 0.95, 0.99, 0.995, 0.999};

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
    return new Threshold(
        Metrics.quantile(normalScores, 1 - targetFalseAlarmRate), targetFalseAlarmRate, normalScores.length, q);
  }

  public boolean isAnomaly(double score) {
    return score > value;
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
