package io.vaestream.detector.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ShadowAgreementTest {

  @Test
  void shouldMeasureAgreementOnAConstructedCase() {
    // Live scores 1..10, flagged above 7.5 (8, 9, 10); the shadow scores the same images 10..1
    // (reversed ranks), flagged above 5.5 (its 10, 9, 8, 7, 6 are images 1..5).
    ShadowAgreement a = new ShadowAgreement(100);
    for (int i = 1; i <= 10; i++) {
      double shadow = 11 - i;
      a.add(i, i > 7.5, shadow, shadow > 5.5);
    }
    ShadowAgreement.Snapshot s = a.snapshot();
    assertThat(s.images()).isEqualTo(10);
    // Flags agree on images 6 and 7 (neither flags them) only: 2 of 10.
    assertThat(s.flagAgreement()).isEqualTo(0.2);
    assertThat(s.rankCorrelation()).isCloseTo(-1.0, within(1e-12));
    assertThat(s.liveAnomalyRate()).isEqualTo(0.3);
    assertThat(s.shadowAnomalyRate()).isEqualTo(0.5);
  }

  @Test
  void shouldGiveTiesTheirMeanRank() {
    assertThat(ShadowAgreement.ranks(new double[] {3, 1, 3, 2})).containsExactly(3.5, 1, 3.5, 2);
    // x = 1, 2, 3, 4; y = 1, 1, 2, 2 → ranks 1.5, 1.5, 3.5, 3.5: ρ = 4 / sqrt(5 · 4) = 0.894427…
    ShadowAgreement a = new ShadowAgreement(4);
    double[] y = {1, 1, 2, 2};
    for (int i = 0; i < 4; i++) {
      a.add(i + 1, false, y[i], false);
    }
    assertThat(a.snapshot().rankCorrelation()).isCloseTo(4 / Math.sqrt(20), within(1e-12));
    assertThat(a.snapshot().flagAgreement()).isEqualTo(1.0);
  }

  @Test
  void shouldKeepOnlyTheLatestWindowAndForgetOnClear() {
    ShadowAgreement a = new ShadowAgreement(3);
    a.add(1, true, 1, false); // leaves the window
    for (int i = 0; i < 3; i++) {
      a.add(i, false, i, false);
    }
    assertThat(a.snapshot().images()).isEqualTo(3);
    assertThat(a.snapshot().flagAgreement()).isEqualTo(1.0);
    assertThat(a.snapshot().rankCorrelation()).isCloseTo(1.0, within(1e-12));
    a.clear();
    assertThat(a.snapshot().images()).isZero();
    assertThat(a.snapshot().flagAgreement()).isNaN();
  }

  @Test
  void shouldSayNothingOfTheRankCorrelationOfAConstantScore() {
    ShadowAgreement a = new ShadowAgreement(10);
    a.add(1, false, 5, false);
    a.add(2, false, 5, false);
    assertThat(a.snapshot().rankCorrelation()).isNaN();
  }
}
