package io.vaestream.trainer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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

  @Test
  void shouldSayHowFarTheRateMovesFromOneCalibrationSetToAnother() {
    // 600 held-out normals at 1 %: the threshold is the 595th, 6 scores lie at or above it, and its
    // rate follows Beta(6, 595), whose central 95 % is 0.368–1.934 % (scipy.stats.beta.ppf).
    double[] range = Threshold.calibrate(new double[600], 0.01).falseAlarmRange();
    assertThat(range[0]).isCloseTo(0.003678, within(2e-6));
    assertThat(range[1]).isCloseTo(0.019339, within(2e-6));
    assertThat(Metrics.betaQuantile(1, 1, 0.3)).isCloseTo(0.3, within(1e-12));
  }

  @Test
  void shouldCountTheThresholdsOwnSpreadInTheChanceOfLandingInRange() {
    // 1,000 test normals, counts 4–17, threshold from 600: scipy.stats.betabinom(1000, 6, 595)
    // gives 0.8422, against 0.976 for a threshold that hits 1 % exactly.
    assertThat(Threshold.probabilityOfFalseAlarms(600, 0.01, 1000, 4, 17))
        .isCloseTo(0.8422, within(1e-4));
    assertThat(Metrics.betaBinomialProbability(1000, 6, 595, 0, 1000)).isCloseTo(1, within(1e-9));
    // Large sets must not underflow: 10,000 held out at 50 %, 10,000 test normals, counts
    // 4902–5098 (the binomial range): scipy.stats.betabinom(10000, 5000, 5001) gives 0.83639.
    int[] range = Metrics.binomialRange(10_000, 0.5);
    assertThat(range).containsExactly(4902, 5098);
    assertThat(Threshold.probabilityOfFalseAlarms(10_000, 0.5, 10_000, range[0], range[1]))
        .isCloseTo(0.83639, within(1e-4));
  }
}
