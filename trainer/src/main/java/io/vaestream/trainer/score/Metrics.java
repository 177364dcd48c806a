package io.vaestream.trainer.score;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

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
      double rank = (i + 1 + j) / 2.0; // mean of ranks i+1 .. j
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
    double[] pmf = binomialPmf(n, p, n);
    double cdf = 0;
    int lo = -1;
    for (int k = 0; k <= n; k++) {
      cdf += pmf[k];
      if (lo < 0 && cdf > 0.025) {
        lo = k;
      }
      if (cdf >= 0.975) {
        return new int[] {Math.max(lo, 0), k};
      }
    }
    return new int[] {Math.max(lo, 0), n};
  }

  /**
   * The {@code q}-quantile of Beta(a, b) for whole a and b, by bisection on its link to the
   * binomial: a Beta(a, b) variable is at most p exactly when Binomial(a + b − 1, p) is at least a.
   */
  public static double betaQuantile(int a, int b, double q) {
    if (a < 1 || b < 1 || !(q > 0 && q < 1)) {
      throw new IllegalArgumentException("beta quantile of Beta(" + a + ", " + b + ") at " + q
          + ": expected a, b >= 1, q in (0, 1)");
    }
    double lo = 0;
    double hi = 1;
    for (int i = 0; i < 60; i++) {
      double mid = (lo + hi) / 2;
      if (1 - binomialCdf(a + b - 1, mid, a - 1) < q) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2;
  }

  /**
   * P(lo ≤ X ≤ hi) for a count X of n draws whose rate is itself drawn from Beta(a, b)
   * (beta-binomial): the false alarms on n test normals of a threshold whose own rate varies from
   * one calibration set to another. Computed in logs, so that large n and b do not underflow.
   */
  public static double betaBinomialProbability(int n, int a, int b, int lo, int hi) {
    int top = Math.min(hi, n);
    if (lo > top) {
      return 0;
    }
    // log P(X = 0) = Σ log((b + i) / (a + b + i)) over i < n; then the ratio of successive terms.
    double logPmf = 0;
    for (int i = 0; i < n; i++) {
      logPmf += Math.log(b + i) - Math.log(a + b + i);
    }
    double[] logs = new double[top - Math.max(lo, 0) + 1];
    for (int x = 0; x <= top; x++) {
      if (x >= lo) {
        logs[x - Math.max(lo, 0)] = logPmf;
      }
      if (x < top) {
        logPmf += Math.log(n - x) + Math.log(x + a) - Math.log(x + 1) - Math.log(b + n - x - 1);
      }
    }
    double max = Arrays.stream(logs).max().orElseThrow();
    return Math.min(
        1, Math.exp(max) * Arrays.stream(logs).map(l -> Math.exp(l - max)).sum());
  }

  /** P(X ≤ k) for X ~ Binomial(n, p). */
  static double binomialCdf(int n, double p, int k) {
    if (k < 0) {
      return 0;
    }
    if (p <= 0 || k >= n) {
      return 1;
    }
    if (p >= 1) {
      return 0;
    }
    return Math.min(1, Arrays.stream(binomialPmf(n, p, k)).sum());
  }

  /** P(X = x) for x = 0 … {@code upTo}, X ~ Binomial(n, p) with 0 < p < 1, each term in logs. */
  private static double[] binomialPmf(int n, double p, int upTo) {
    double logP = Math.log(p);
    double logQ = Math.log1p(-p);
    double logC = 0;
    double[] pmf = new double[upTo + 1];
    for (int x = 0; x <= upTo; x++) {
      if (x > 0) {
        logC += Math.log(n - x + 1) - Math.log(x);
      }
      pmf[x] = Math.exp(logC + x * logP + (n - x) * logQ);
    }
    return pmf;
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
