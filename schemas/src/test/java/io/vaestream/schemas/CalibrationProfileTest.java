package io.vaestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CalibrationProfileTest {

  /** 0, 1, …, 100 for every signal: its quantile at 2k % is 2k. */
  private static CalibrationProfile zeroToHundred() {
    double[] v = new double[101];
    for (int i = 0; i < v.length; i++) {
      v[i] = 100 - i; // unsorted on purpose
    }
    return CalibrationProfile.of(Map.of(
        CalibrationProfile.SCORE,
        v,
        CalibrationProfile.MEAN_INTENSITY,
        v,
        CalibrationProfile.CONTRAST,
        v));
  }

  @Test
  void shouldKeepFiftyOneQuantilesOfEachSignal() {
    CalibrationProfile p = zeroToHundred();
    assertThat(p.n()).isEqualTo(101);
    double[] q = p.quantiles(CalibrationProfile.SCORE);
    assertThat(q).hasSize(CalibrationProfile.LEVELS);
    assertThat(q[0]).isEqualTo(0);
    assertThat(q[25]).isEqualTo(50);
    assertThat(q[50]).isEqualTo(100);
    assertThat(p.quantile(CalibrationProfile.CONTRAST, 0.37)).isCloseTo(37, offset(1e-9));
  }

  @Test
  void shouldGiveAPiecewiseLinearCdfThroughTheQuantiles() {
    CalibrationProfile p = zeroToHundred();
    assertThat(p.cdf(CalibrationProfile.SCORE, -1)).isZero();
    assertThat(p.cdf(CalibrationProfile.SCORE, 0)).isZero();
    assertThat(p.cdf(CalibrationProfile.SCORE, 25)).isCloseTo(0.25, offset(1e-12));
    assertThat(p.cdf(CalibrationProfile.SCORE, 99.5)).isCloseTo(0.995, offset(1e-12));
    assertThat(p.cdf(CalibrationProfile.SCORE, 100)).isEqualTo(1);
    assertThat(p.cdfBelow(CalibrationProfile.SCORE, 25)).isCloseTo(0.25, offset(1e-12));
  }

  @Test
  void shouldJumpWhereManyCalibrationImagesShareAValue() {
    double[] q = {0, 1, 1, 1, 2}; // levels 0, ¼, ½, ¾, 1: half the mass sits at exactly 1
    CalibrationProfile p = new CalibrationProfile(
        10,
        Map.of(
            CalibrationProfile.SCORE,
            q,
            CalibrationProfile.MEAN_INTENSITY,
            q,
            CalibrationProfile.CONTRAST,
            q));
    assertThat(p.cdfBelow(CalibrationProfile.SCORE, 1)).isEqualTo(0.25);
    assertThat(p.cdf(CalibrationProfile.SCORE, 1)).isEqualTo(0.75);
    assertThat(p.cdf(CalibrationProfile.SCORE, 0.5)).isEqualTo(0.125);
    assertThat(p.cdf(CalibrationProfile.SCORE, 1.5)).isEqualTo(0.875);
  }

  @Test
  void shouldRoundTripThroughJson() {
    CalibrationProfile p = zeroToHundred();
    CalibrationProfile back = CalibrationProfile.fromJson(p.toJson());
    assertThat(back.n()).isEqualTo(101);
    for (String s : CalibrationProfile.SIGNALS) {
      assertThat(back.quantiles(s)).containsExactly(p.quantiles(s));
    }
    assertThat(p.toJson()).startsWith("{\"n\":101,\"quantiles\":{\"score\":[0.0,2.0,");
  }

  @Test
  void shouldNameWhatIsMalformed() {
    assertThatThrownBy(() -> CalibrationProfile.fromJson("{not json"))
        .hasMessageContaining("malformed calibration profile");
    assertThatThrownBy(() -> CalibrationProfile.fromJson("{\"n\": 3}"))
        .hasMessageContaining("expected {\"n\"");
    assertThatThrownBy(() -> CalibrationProfile.fromJson(
            "{\"n\": 3, \"quantiles\": {\"score\": [0, 1], \"mean_intensity\": [0, 1]}}"))
        .hasMessageContaining("no quantiles of contrast");
    assertThatThrownBy(
            () -> CalibrationProfile.fromJson(
                "{\"n\": 3, \"quantiles\": {\"score\": [1, 0], \"mean_intensity\": [0, 1], \"contrast\": [0, 1]}}"))
        .hasMessageContaining("score quantile 1 (0.0) is below quantile 0 (1.0)");
    assertThatThrownBy(
            () -> CalibrationProfile.fromJson(
                "{\"n\": 0, \"quantiles\": {\"score\": [0, 1], \"mean_intensity\": [0, 1], \"contrast\": [0, 1]}}"))
        .hasMessageContaining("n=0");
  }

  @Test
  void shouldRefuseSignalsOfDifferentLengthsAndNoValues() {
    Map<String, double[]> samples = new HashMap<>(Map.of(
        CalibrationProfile.SCORE,
        new double[] {1, 2},
        CalibrationProfile.MEAN_INTENSITY,
        new double[] {1, 2},
        CalibrationProfile.CONTRAST,
        new double[] {1}));
    assertThatThrownBy(() -> CalibrationProfile.of(samples))
        .hasMessageContaining("contrast has 1 calibration values");
    samples.put(CalibrationProfile.CONTRAST, new double[0]);
    assertThatThrownBy(() -> CalibrationProfile.of(samples))
        .hasMessageContaining("no calibration values of contrast");
  }
}
