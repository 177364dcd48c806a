package io.vaestream.trainer.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ThresholdTest {

  @Test
  void shouldTakeTheConformalOrderStatistic() {
    // Scores 1..99: ⌈(99+1)(1-0.05)⌉ = 95, so the threshold is the 95th smallest, 95.
    double[] scores = IntStream.rangeClosed(1, 99).mapToDouble(i -> 100 - i).toArray();
    Threshold t = Threshold.calibrate(scores, 0.05);
    assertThat(t.value()).isEqualTo(95.0);
    assertThat(t.calibrationSize()).isEqualTo(99);
    assertThat(Threshold.conformalRank(599, 0.01)).isEqualTo(594);
  }

  @Test
  void shouldKeepTheFalseAlarmRateAtOrBelowTheTargetOverManyCalibrations() {
    Random r = new Random(5);
    double alpha = 0.05;
    int trials = 2000;
    double exceed = 0;
    for (int t = 0; t < trials; t++) {
      double[] cal = r.doubles(60).map(Math::log1p).toArray();
      Threshold th = Threshold.calibrate(cal, alpha);
      exceed += th.isAnomaly(Math.log1p(r.nextDouble())) ? 1 : 0;
    }
    // Exactly ≤ α in expectation; 2,000 trials estimate it to about ±1 %.
    assertThat(exceed / trials).isLessThan(alpha + 0.01);
  }

  @Test
  void shouldWarnWhenTooFewNormalsSupportTheRate() {
    assertThat(Threshold.calibrate(new double[2000], 0.01).warning()).isNull();
    assertThat(Threshold.calibrate(new double[600], 0.01).warning())
        .contains("600 held-out normals", "1.67%", "at least 1000");
    assertThat(Threshold.calibrate(new double[50], 0.01).warning())
        .contains("cannot support a 1% false-alarm rate", "1.96%");
  }

  @Test
  void shouldGiveTheCentralBinomialRange() {
    int[] r = Metrics.binomialRange(1000, 0.01);
    assertThat(r[0]).isBetween(3, 5);
    assertThat(r[1]).isBetween(16, 17);
  }
}
