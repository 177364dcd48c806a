package io.vaestream.trainer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void shouldGiveOneForAPerfectRankingAndHalfForARandomOne() {
    assertThat(Metrics.auroc(new double[] {1, 2, 3, 4}, new boolean[] {false, false, true, true}))
        .isEqualTo(1.0);
    assertThat(Metrics.auroc(new double[] {4, 3, 2, 1}, new boolean[] {false, false, true, true}))
        .isEqualTo(0.0);
    assertThat(Metrics.auroc(new double[] {1, 1, 1, 1}, new boolean[] {false, true, false, true}))
        .isEqualTo(0.5);
  }

  @Test
  void shouldCountTiesAsOneHalf() {
    // pairs (anomaly, normal): (2 vs 1) win, (2 vs 2) tie, (3 vs 1) win, (3 vs 2) win -> 3.5 / 4
    double auc = Metrics.auroc(new double[] {1, 2, 2, 3}, new boolean[] {false, false, true, true});
    assertThat(auc).isEqualTo(0.875);
  }

  @Test
  void shouldComputeAveragePrecision() {
    // ranking: a(0.9) n(0.8) a(0.7) -> AP = (1/1 + 2/3) / 2
    double ap = Metrics.auprc(new double[] {0.9, 0.8, 0.7}, new boolean[] {true, false, true});
    assertThat(ap).isCloseTo((1 + 2.0 / 3) / 2, offset(1e-12));
  }

  @Test
  void shouldRefuseDegenerateInputs() {
    assertThatThrownBy(() -> Metrics.auroc(new double[] {1, 2}, new boolean[] {true, true}))
        .hasMessageContaining("both normal and anomalous");
    assertThatThrownBy(
            () -> Metrics.auroc(new double[] {1, Double.NaN}, new boolean[] {true, false}))
        .hasMessageContaining("score 1 is NaN");
    assertThatThrownBy(() -> Metrics.auroc(new double[] {1}, new boolean[] {true, false}))
        .hasMessageContaining("1 scores but 2 labels");
  }

  @Test
  void shouldInterpolateQuantiles() {
    double[] v = {4, 1, 3, 2, 5};
    assertThat(Metrics.quantile(v, 0.5)).isEqualTo(3);
    assertThat(Metrics.quantile(v, 0.75)).isEqualTo(4);
    assertThat(Metrics.quantile(v, 0.1)).isCloseTo(1.4, offset(1e-12));
  }

  @Test
  void shouldSetTheThresholdAtTheTargetFalseAlarmRate() {
    double[] normals = new double[1000];
    for (int i = 0; i < normals.length; i++) {
      normals[i] = i;
    }
    Threshold t = Threshold.calibrate(normals, 0.01);
    long flagged = java.util.Arrays.stream(normals).filter(t::isAnomaly).count();
    // Conformal: the ⌈1001 · 0.99⌉ = 991st smallest score, so 9 of the 1,000 lie above it.
    assertThat(flagged).isEqualTo(9);
    assertThat(t.quantiles()).containsKeys("p50", "p99", "max");
    assertThat(t.quantiles().get("max")).isEqualTo(999.0);
    assertThatThrownBy(() -> Threshold.calibrate(normals, 0))
        .hasMessageContaining("target-false-alarm-rate=0.0");
    assertThatThrownBy(() -> Threshold.calibrate(new double[0], 0.01))
        .hasMessageContaining("no held-out normal");
    assertThat(Map.copyOf(t.quantiles())).hasSize(7);
  }

  @Test
  void shouldGiveThePackedPixelAurocOfTheBoxedOne() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    int n = 5000;
    float[] f = new float[n];
    double[] d = new double[n];
    byte[] pos = new byte[n];
    boolean[] anomalous = new boolean[n];
    for (int i = 0; i < n; i++) {
      anomalous[i] = r.nextInt(10) == 0;
      pos[i] = (byte) (anomalous[i] ? 1 : 0);
      f[i] = (float) (Math.round((r.nextGaussian() + (anomalous[i] ? 1 : 0)) * 4) / 4.0
          - 0.5); // ties, negatives
      d[i] = f[i];
    }
    assertThat(Metrics.auroc(f, pos))
        .isCloseTo(Metrics.auroc(d, anomalous), org.assertj.core.data.Offset.offset(1e-12));
  }
}
