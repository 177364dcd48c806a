package io.vaestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.bench.BenchResults.Repeated;
import io.vaestream.bench.BenchResults.Run;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchResultsTest {
  @Test
  void shouldTakeTheMiddleOfAnOddAndTheMeanOfTheTwoMiddlesOfAnEvenCount() {
    assertThat(BenchResults.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(BenchResults.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
  }

  @Test
  void shouldHaveNoMedianOfNothing() {
    assertThat(BenchResults.median(new double[0])).isNaN();
  }

  @Test
  void shouldTakeRatiosWithinEachRound() {
    Repeated fast = new Repeated(List.of(run(200), run(90), run(300)));
    Repeated slow = new Repeated(List.of(run(100), run(30), run(150)));
    assertThat(fast.ratiosTo(slow)).containsExactly(2, 3, 2);
    assertThat(fast.steady()).isEqualTo(200);
    assertThat(fast.min()).isEqualTo(90);
    assertThat(fast.max()).isEqualTo(300);
  }

  @Test
  void shouldPairOnlyTheRoundsBothHave() {
    Repeated three = new Repeated(List.of(run(200), run(90), run(300)));
    Repeated one = new Repeated(List.of(run(100)));
    assertThat(three.ratiosTo(one)).containsExactly(2);
  }

  private static Run run(double steady) {
    return new Run("r", 1000, 1000 / steady, steady);
  }
}
