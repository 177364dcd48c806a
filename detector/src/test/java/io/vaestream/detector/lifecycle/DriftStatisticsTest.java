package io.vaestream.detector.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.vaestream.schemas.CalibrationProfile;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DriftStatisticsTest {
  private static final String S = CalibrationProfile.SCORE;

  /** A profile whose three signals all have the quantiles {@code q}. */
  static CalibrationProfile profile(int n, double[] q) {
    return new CalibrationProfile(n, everySignal(q));
  }

  /** {@code v} for each of the three signals. */
  private static Map<String, double[]> everySignal(double[] v) {
    return Map.of(
        CalibrationProfile.SCORE,
        v,
        CalibrationProfile.MEAN_INTENSITY,
        v,
        CalibrationProfile.CONTRAST,
        v);
  }

  private static double[] gaussian(SplittableRandom r, int n, double shift) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      // Box-Muller: SplittableRandom has no nextGaussian on Java 17
      v[i] = shift
          + Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
    Arrays.sort(v);
    return v;
  }

  private record Drift(double psi, double ks) {}

  /**
   * The drift of 1,000 values drawn from a standard normal shifted by {@code shift}, against a
   * profile of 2,000 drawn from the unshifted one.
   */
  private static Drift drift(double shift) {
    SplittableRandom r = new SplittableRandom(7);
    CalibrationProfile p = CalibrationProfile.of(everySignal(gaussian(r, 2000, 0)));
    double[] window = gaussian(r, 1000, shift);
    return new Drift(DriftStatistics.psi(p, S, window), DriftStatistics.ks(p, S, window));
  }

  @Test
  void shouldFindASampleOfTheCalibrationDistributionStable() {
    Drift d = drift(0);
    System.out.printf(
        "same distribution: PSI %.4f, KS %.4f (critical %.4f)%n",
        d.psi(), d.ks(), DriftStatistics.ksCritical(0.001, 1000, 2000));
    assertThat(d.psi()).isLessThan(0.05);
    assertThat(d.ks()).isLessThan(DriftStatistics.ksCritical(0.001, 1000, 2000));
  }

  @Test
  void shouldFindAShiftedSampleDrifting() {
    Drift d = drift(1.0);
    System.out.printf("shifted by one standard deviation: PSI %.4f, KS %.4f%n", d.psi(), d.ks());
    assertThat(d.psi()).isGreaterThan(0.25);
    assertThat(d.ks()).isGreaterThan(0.3).isLessThan(0.45); // Φ(0.5) − Φ(−0.5) = 0.383
  }

  @Test
  void shouldComputeTheKolmogorovSmirnovDistanceOfATinyCaseByHand() {
    double[] uniform = new double[51];
    for (int k = 0; k < uniform.length; k++) {
      uniform[k] = k / 50.0;
    }
    CalibrationProfile p = profile(100, uniform); // F(x) = x on [0, 1]
    // F_window steps to 1/3, 2/3, 1 at 0.1, 0.2, 0.9; the widest gap is 2/3 − 0.2 at 0.2.
    assertThat(DriftStatistics.ks(p, S, new double[] {0.1, 0.2, 0.9}))
        .isCloseTo(7.0 / 15, offset(1e-12));
    // Below the calibration's range: F is 0 there, the window's CDF reaches 1.
    assertThat(DriftStatistics.ks(p, S, new double[] {-2, -1})).isEqualTo(1.0);
    // Just below a step of the window: one value at 0.9, F(0.9−) = 0.9.
    assertThat(DriftStatistics.ks(p, S, new double[] {0.9})).isCloseTo(0.9, offset(1e-12));
  }

  @Test
  void shouldSeeACalibrationStepFromBothSides() {
    CalibrationProfile p = profile(10, new double[] {0, 1, 1, 1, 2}); // F jumps from ¼ to ¾ at 1
    // The window's CDF steps from 0 to 1 at 1, the calibration's from ¼ to ¾: ¼ on either side, not
    // ¾.
    assertThat(DriftStatistics.ks(p, S, new double[] {1, 1, 1, 1})).isCloseTo(0.25, offset(1e-12));
    // Nothing of the window near the step: the gap below it, F(1−) = ¼ against 0, is outweighed
    // above.
    assertThat(DriftStatistics.ks(p, S, new double[] {0, 0, 2, 2})).isCloseTo(0.5, offset(1e-12));
  }

  /** {@code Arrays.sort} puts NaN last, where the tie loop once stood still for ever. */
  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void shouldEndOnAWindowHoldingNaN() {
    CalibrationProfile p = profile(1000, new double[] {0, 1, 2, 3});
    double d = DriftStatistics.ks(p, S, new double[] {0.5, 1.5, Double.NaN, Double.NaN});
    // it returns: NaN, as no distance to a NaN is defined (the tracker keeps NaN out of windows)
    assertThat(d).isNaN();
  }

  @Test
  void shouldComputePsiOfATinyCaseByHand() {
    double[] uniform = new double[51];
    for (int k = 0; k < uniform.length; k++) {
      uniform[k] = k / 50.0;
    }
    CalibrationProfile p = profile(100, uniform); // deciles at 0.1, 0.2, …, 0.9
    double[] evenly = new double[10];
    for (int i = 0; i < 10; i++) {
      evenly[i] = 0.05 + i / 10.0;
    }
    assertThat(DriftStatistics.psi(p, S, evenly)).isCloseTo(0, offset(1e-12));
    // Half in the first decile, half in the last: 2 × (0.5 − 0.1)·ln 5 + 8 × (ε − 0.1)·ln(ε / 0.1).
    double eps = DriftStatistics.EMPTY_BIN_SHARE;
    double expected = 2 * 0.4 * Math.log(5) + 8 * (eps - 0.1) * Math.log(eps / 0.1);
    assertThat(DriftStatistics.psi(p, S, new double[] {0.05, 0.95}))
        .isCloseTo(expected, offset(1e-12));
    assertThat(DriftStatistics.psi(p, S, new double[] {0.1, 0.95}))
        .as("a value on a decile is in the bin below")
        .isCloseTo(expected, offset(1e-12));
  }

  @Test
  void shouldMergeBinsWhereDecilesAreEqual() {
    double[] q = new double[51];
    Arrays.fill(
        q, 0, 40, 0.0); // 80 % of the calibration images are exactly 0 (black), the rest up to 1
    for (int k = 40; k < 51; k++) {
      q[k] = (k - 39) / 11.0;
    }
    CalibrationProfile p = profile(500, q); // F(0) = 0.78: levels 0 to 39 of 50 are 0
    double[] like = new double[100];
    for (int i = 78; i < 100; i++) {
      like[i] = p.quantile(S, (i + 0.5) / 100);
    }
    Arrays.sort(like);
    assertThat(DriftStatistics.psi(p, S, like))
        .as("no empty bins between equal deciles")
        .isLessThan(0.01);
  }

  @Test
  void shouldGiveTheTwoSampleCriticalValue() {
    // c(0.001) = √(−ln(0.0005)/2) = 1.9495; × √(2000 / 10⁶) = 0.0872
    assertThat(DriftStatistics.ksCritical(0.001, 1000, 1000)).isCloseTo(0.08718, offset(1e-5));
    assertThat(DriftStatistics.ksCritical(0.05, 500, 600))
        .isCloseTo(1.3581 * Math.sqrt(1100.0 / 300_000), offset(1e-4));
  }

  @Test
  void shouldRefuseAnEmptyWindowAndABadLevel() {
    CalibrationProfile p = profile(2, new double[] {0, 1});
    assertThatThrownBy(() -> DriftStatistics.psi(p, S, new double[0]))
        .hasMessageContaining("at least one value");
    assertThatThrownBy(() -> DriftStatistics.ks(p, S, new double[0]))
        .hasMessageContaining("at least one value");
    assertThatThrownBy(() -> DriftStatistics.ksCritical(1.5, 10, 10))
        .hasMessageContaining("alpha=1.5");
  }
}
