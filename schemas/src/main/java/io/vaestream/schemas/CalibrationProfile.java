package io.vaestream.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the held-out calibration normals looked like, stored in the model under {@link
 * ModelFormat#CALIBRATION_PROFILE}, so that a detector can tell when the images it scores stop
 * looking like the ones its threshold was set on (drift). For each signal — {@value #SCORE} (the
 * shipped score), {@value #MEAN_INTENSITY} and {@value #CONTRAST} ({@link ImageStatistics}) — it
 * keeps {@value #LEVELS} quantiles, at 0, 2, 4, …, 100 %, interpolated linearly between order
 * statistics as the threshold's quantiles are.
 *
 * <p>The quantiles stand for the calibration distribution: its CDF ({@link #cdf}) is the
 * piecewise-linear function through the points (quantile k, k / 50). Fifty-one numbers per signal
 * keep the metadata small whatever the calibration size, and the interpolation error (at most one
 * step, 2 %) is far below what a drift test needs to see.
 *
 * <p>JSON form: {@code {"n": 600, "quantiles": {"score": [q0, q2, …, q100], "mean_intensity": […],
 * "contrast": […]}}}, where {@code n} is the number of calibration images. A reader accepts any
 * number of levels (at least 2) and ignores signals it does not know.
 */
public final class CalibrationProfile {
  public static final String SCORE = "score";
  public static final String MEAN_INTENSITY = "mean_intensity";
  public static final String CONTRAST = "contrast";
  /** Every signal a profile describes, in the order they are written. */
  public static final List<String> SIGNALS = List.of(SCORE, MEAN_INTENSITY, CONTRAST);
  /** Quantiles written per signal: 0 %, 2 %, …, 100 %. */
  public static final int LEVELS = 51;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final int n;
  private final Map<String, double[]> quantiles;

  /**
   * @param n how many calibration images the quantiles were taken from
   * @param quantiles for every signal of {@link #SIGNALS}, its quantiles at equally spaced levels
   *     from 0 to 1 (at least 2, finite, non-decreasing); copied
   */
  public CalibrationProfile(int n, Map<String, double[]> quantiles) {
    if (n < 1) {
      throw new IllegalArgumentException(
          "a calibration profile needs at least one image, got n=" + n);
    }
    Map<String, double[]> q = new LinkedHashMap<>();
    for (String signal : SIGNALS) {
      double[] v = quantiles.get(signal);
      if (v == null) {
        throw new IllegalArgumentException("the calibration profile has no quantiles of " + signal);
      }
      check(signal, v);
      q.put(signal, v.clone());
    }
    this.n = n;
    this.quantiles = q;
  }

  /**
   * The profile of calibration images whose signals are {@code samples} (each signal of {@link
   * #SIGNALS}, one value per image, all of one length).
   */
  public static CalibrationProfile of(Map<String, double[]> samples) {
    int n = -1;
    Map<String, double[]> q = new LinkedHashMap<>();
    for (String signal : SIGNALS) {
      double[] v = samples.get(signal);
      if (v == null || v.length == 0) {
        throw new IllegalArgumentException("no calibration values of " + signal);
      }
      if (n >= 0 && v.length != n) {
        throw new IllegalArgumentException(
            signal + " has " + v.length + " calibration values, the other signals " + n);
      }
      n = v.length;
      q.put(signal, levels(v));
    }
    return new CalibrationProfile(n, q);
  }

  /** {@link #LEVELS} quantiles of {@code values}, linearly interpolated between order statistics. */
  private static double[] levels(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    double[] q = new double[LEVELS];
    for (int k = 0; k < LEVELS; k++) {
      q[k] = interpolate(s, (double) k / (LEVELS - 1));
    }
    return q;
  }

  /** The {@code p}-quantile of {@code sorted}, linearly interpolated between its values. */
  private static double interpolate(double[] sorted, double p) {
    double pos = p * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  private static void check(String signal, double[] v) {
    if (v.length < 2) {
      throw new IllegalArgumentException(
          signal + " has " + v.length + " quantiles; a profile needs at least 2");
    }
    for (int k = 0; k < v.length; k++) {
      if (!Double.isFinite(v[k])) {
        throw new IllegalArgumentException(
            signal + " quantile " + k + " is " + v[k] + "; quantiles must be finite");
      }
      if (k > 0 && v[k] < v[k - 1]) {
        throw new IllegalArgumentException(
            signal + " quantile " + k + " (" + v[k] + ") is below quantile " + (k - 1) + " ("
                + v[k - 1] + "); quantiles must not decrease");
      }
    }
  }

  /** How many calibration images the profile describes. */
  public int n() {
    return n;
  }

  /** The stored quantiles of {@code signal}, at levels 0, 1/(L−1), …, 1 (a copy). */
  public double[] quantiles(String signal) {
    return levelsOf(signal).clone();
  }

  /**
   * The calibration's {@code p}-quantile of {@code signal}, {@code p} in [0, 1]: the inverse of
   * {@link #cdf}, interpolated between the stored levels.
   */
  public double quantile(String signal, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("a quantile level must be within [0, 1], got " + p);
    }
    return interpolate(levelsOf(signal), p);
  }

  /**
   * P(X ≤ x) under the calibration distribution of {@code signal}: 0 below the lowest quantile, 1
   * from the highest, linear between neighbouring quantiles. Where several quantiles are equal (a
   * value many calibration images share) the CDF jumps there, and takes the upper value, as a CDF
   * does.
   */
  public double cdf(String signal, double x) {
    double[] q = levelsOf(signal);
    int last = q.length - 1;
    if (x < q[0]) {
      return 0;
    }
    if (x >= q[last]) {
      return 1;
    }
    int k = lastAtMost(q, x); // q[k] <= x < q[k + 1]
    return (k + (x - q[k]) / (q[k + 1] - q[k])) / last;
  }

  /**
   * P(X &lt; x) under the calibration distribution of {@code signal}: the left limit of {@link
   * #cdf}, which differs from it only where the CDF jumps. A Kolmogorov–Smirnov statistic needs both.
   */
  public double cdfBelow(String signal, double x) {
    double[] q = levelsOf(signal);
    int last = q.length - 1;
    if (x <= q[0]) {
      return 0;
    }
    if (x > q[last]) {
      return 1;
    }
    int j = firstAtLeast(q, x); // q[j - 1] < x <= q[j]
    return (j - 1 + (x - q[j - 1]) / (q[j] - q[j - 1])) / last;
  }

  private double[] levelsOf(String signal) {
    double[] q = quantiles.get(signal);
    if (q == null) {
      throw new IllegalArgumentException(
          "unknown signal '" + signal + "'; a profile describes " + SIGNALS);
    }
    return q;
  }

  /** The last index whose value is at most {@code x}; {@code q[0] <= x} is given. */
  private static int lastAtMost(double[] q, double x) {
    int lo = 0;
    int hi = q.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (q[mid] <= x) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** The first index whose value is at least {@code x}; {@code q[last] >= x} is given. */
  private static int firstAtLeast(double[] q, double x) {
    int lo = 0;
    int hi = q.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (q[mid] >= x) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("n", n);
    ObjectNode q = root.putObject("quantiles");
    quantiles.forEach((signal, v) -> {
      ArrayNode a = q.putArray(signal);
      for (double d : v) {
        a.add(d);
      }
    });
    return root.toString();
  }

  /** Reads {@link #toJson()}'s form; throws naming what is malformed. */
  public static CalibrationProfile fromJson(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "malformed calibration profile: " + e.getOriginalMessage(), e);
    }
    if (root == null
        || !root.path("n").canConvertToInt()
        || !root.path("quantiles").isObject()) {
      throw new IllegalArgumentException(
          "malformed calibration profile: expected {\"n\": <images>, \"quantiles\": "
              + "{\"score\": [...], ...}}");
    }
    Map<String, double[]> q = new LinkedHashMap<>();
    root.get("quantiles").fields().forEachRemaining(e -> {
      JsonNode a = e.getValue();
      if (!a.isArray()) {
        throw new IllegalArgumentException(
            "malformed calibration profile: quantiles of " + e.getKey() + " are not an array");
      }
      double[] v = new double[a.size()];
      for (int i = 0; i < v.length; i++) {
        if (!a.get(i).isNumber()) {
          throw new IllegalArgumentException("malformed calibration profile: quantile " + i + " of "
              + e.getKey() + " is not a number");
        }
        v[i] = a.get(i).asDouble();
      }
      q.put(e.getKey(), v);
    });
    return new CalibrationProfile(root.get("n").asInt(), q);
  }

  @Override
  public String toString() {
    return "CalibrationProfile[n=" + n + ", " + quantiles.get(SCORE).length + " levels of "
        + SIGNALS + "]";
  }
}
