package io.vaestream.trainer.score;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.util.CombinatoricsUtils;

/** Ranking metrics for anomaly scores, where a higher score means more anomalous. */
public final class Metrics {
  private Metrics() {}

  /**
   * Area under the ROC curve: the probability that a random anomaly scores above a random normal
   * image, ties counting one half (the Mann–Whitney statistic).
   */
  public static double auroc(double[] scores, boolean[] anomalous) {
    check(scores, anomalous);
    int n = scores.length;
    Integer[] order = sortedAscending(scores);
    double[] ranks = new double[n];
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        ranks[order[k]] = rank;
      }
      i = j + 1;
    }
    long pos = 0;
    double rankSum = 0;
    for (int i = 0; i < n; i++) {
      if (anomalous[i]) {
        pos++;
        rankSum += ranks[i];
      }
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) {
      throw new IllegalArgumentException("AUROC needs both normal and anomalous images");
    }
    return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }

  /**
   * {@link #auroc} for millions of values, such as every pixel of a test set's anomaly maps: the
   * scores and labels are packed into primitive longs and sorted once, with no boxing.
   *
   * @param positive 1 where the value belongs to an anomaly (a defect pixel), 0 elsewhere
   */
  public static double auroc(float[] scores, byte[] positive) {
    if (scores.length != positive.length) {
      throw new IllegalArgumentException(
          scores.length + " scores but " + positive.length + " labels");
    }
    int n = scores.length;
    long[] packed = new long[n];
    for (int i = 0; i < n; i++) {
      if (Float.isNaN(scores[i])) {
        throw new IllegalArgumentException("score " + i + " is NaN");
      }
      int bits = Float.floatToIntBits(scores[i] + 0f); // -0 and +0 are one score
      int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // orders like the float
      packed[i] = ((long) ordered << 1) | (positive[i] != 0 ? 1 : 0);
    }
    Arrays.sort(packed);
    long pos = 0;
    double rankSum = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      long score = packed[i] >> 1;
      int posInTie = 0;
      while (j < n && packed[j] >> 1 == score) {
        posInTie += (int) (packed[j] & 1);
        j++;
      }
      double rank = (i + 1.0 + j) / 2; // mean of ranks i+1 .. j; in double: i + j passes 2^31
      rankSum += posInTie * rank;
      pos += posInTie;
      i = j;
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) {
      throw new IllegalArgumentException("AUROC needs both normal and anomalous values");
    }
    return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }

  /** Area under the precision–recall curve as average precision, anomalies positive. */
  public static double auprc(double[] scores, boolean[] anomalous) {
    check(scores, anomalous);
    Integer[] order = sortedAscending(scores);
    long pos = IntStream.range(0, anomalous.length).filter(i -> anomalous[i]).count();
    if (pos == 0) {
      throw new IllegalArgumentException("AUPRC needs anomalous images");
    }
    double ap = 0;
    long tp = 0;
    long seen = 0;
    for (int i = order.length - 1; i >= 0; ) {
      int j = i;
      int tpGroup = 0;
      while (j >= 0 && scores[order[j]] == scores[order[i]]) {
        tpGroup += anomalous[order[j]] ? 1 : 0;
        j--;
      }
      seen += i - j;
      tp += tpGroup;
      ap += tpGroup / (double) pos * (tp / (double) seen);
      i = j;
    }
    return ap;
  }

  /** One point of a ROC curve. */
  public record RocPoint(double falsePositiveRate, double truePositiveRate) {}

  /** The ROC curve, at most {@code maxPoints} points. */
  public static List<RocPoint> roc(double[] scores, boolean[] anomalous, int maxPoints) {
    check(scores, anomalous);
    Integer[] order = sortedAscending(scores);
    long pos = IntStream.range(0, anomalous.length).filter(i -> anomalous[i]).count();
    long neg = anomalous.length - pos;
    List<RocPoint> all = new ArrayList<>();
    all.add(new RocPoint(0, 0));
    long tp = 0;
    long fp = 0;
    for (int i = order.length - 1; i >= 0; i--) {
      if (anomalous[order[i]]) {
        tp++;
      } else {
        fp++;
      }
      if (i == 0 || scores[order[i - 1]] != scores[order[i]]) {
        all.add(new RocPoint(fp / (double) neg, tp / (double) pos));
      }
    }
    if (all.size() <= maxPoints) {
      return all;
    }
    List<RocPoint> out = new ArrayList<>();
    for (int k = 0; k < maxPoints; k++) {
      out.add(all.get((int) ((long) k * (all.size() - 1) / (maxPoints - 1))));
    }
    return out;
  }

  /** The {@code q}-quantile with linear interpolation between order statistics. */
  public static double quantile(double[] values, double q) {
    if (values.length == 0) {
      throw new IllegalArgumentException("quantile of no values");
    }
    double[] s = values.clone();
    Arrays.sort(s);
    double pos = q * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }

  /**
   * The central 95% range of Binomial(n, p), as counts {@code [lo, hi]}: P(X < lo) ≤ 2.5% and
   * P(X > hi) ≤ 2.5%. A detector whose true false-alarm rate is p shows between lo/n and hi/n on n
   * normal images 95% of the time.
   */
  public static int[] binomialRange(int n, double p) {
    double cdf = 0;
    int lo = -1;
    int hi = n;
    double logP = Math.log(p);
    double logQ = Math.log1p(-p);
    double logC = 0;
    for (int k = 0; k <= n; k++) {
      if (k > 0) {
        logC += Math.log(n - k + 1) - Math.log(k);
      }
      cdf += Math.exp(logC + k * logP + (n - k) * logQ);
      if (lo < 0 && cdf > 0.025) {
        lo = k;
      }
      if (cdf >= 0.975) {
        hi = k;
        break;
      }
    }
    return new int[] {Math.max(lo, 0), hi};
  }

  /** The {@code q}-quantile of Beta(a, b), to 1e-14. */
  public static double betaQuantile(double a, double b, double q) {
    return new BetaDistribution(a, b, 1e-14).inverseCumulativeProbability(q);
  }

  /**
   * P(lo ≤ X ≤ hi) for a count X of n draws whose rate is itself drawn from Beta(a, b)
   * (beta-binomial): the false alarms on n test normals of a threshold whose own rate varies from
   * one calibration set to another. Each term C(n, x) B(x + a, n − x + b) / B(a, b) is taken in
   * logs, so that large n and b do not underflow.
   */
  public static double betaBinomialProbability(int n, int a, int b, int lo, int hi) {
    int from = Math.max(lo, 0);
    int to = Math.min(hi, n);
    if (from > to) {
      return 0;
    }
    double logNorm = Beta.logBeta(a, b);
    double[] logs = IntStream.rangeClosed(from, to)
        .mapToDouble(x -> CombinatoricsUtils.binomialCoefficientLog(n, x)
            + Beta.logBeta(x + a, n - x + b)
            - logNorm)
        .toArray();
    double max = Arrays.stream(logs).max().orElseThrow();
    return Math.min(
        1, Math.exp(max) * Arrays.stream(logs).map(l -> Math.exp(l - max)).sum());
  }

  public static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  /** Sample standard deviation; 0 for fewer than two values. */
  public static double std(double[] v) {
    if (v.length < 2) {
      return 0;
    }
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }

  private static Integer[] sortedAscending(double[] scores) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    return order;
  }

  private static void check(double[] scores, boolean[] anomalous) {
    if (scores.length != anomalous.length) {
      throw new IllegalArgumentException(
          scores.length + " scores but " + anomalous.length + " labels");
    }
    for (int i = 0; i < scores.length; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("score " + i + " is NaN");
      }
    }
  }
}
