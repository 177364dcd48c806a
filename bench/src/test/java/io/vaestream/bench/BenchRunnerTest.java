package io.vaestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How {@code --flagged-share} mixes a model's flagged images among the ones it passes. */
class BenchRunnerTest {
  private static final int[] NORMAL = IntStream.range(0, 990).toArray();
  private static final int[] FLAGGED = IntStream.range(1000, 1100).toArray();

  @Test
  void shouldKeepEveryNormalImageInOrderAndAddFlaggedOnesToTheShare() {
    int[] order = BenchRunner.mixed(NORMAL, FLAGGED, 0.01);

    assertThat(order).hasSize(1000);
    assertThat(Arrays.stream(order).filter(i -> i < 1000).toArray()).isEqualTo(NORMAL);
    assertThat(Arrays.stream(order).filter(i -> i >= 1000).toArray())
        .containsExactly(IntStream.range(1000, 1010).toArray());
  }

  @Test
  void shouldSpreadTheFlaggedImagesEvenly() {
    int[] order = BenchRunner.mixed(NORMAL, FLAGGED, 0.01);

    int[] at = IntStream.range(0, order.length).filter(i -> order[i] >= 1000).toArray();
    assertThat(at).containsExactly(99, 199, 299, 399, 499, 599, 699, 799, 899, 999);
  }

  @Test
  void shouldRefuseWhenTheModelFlagsTooFewForTheShare() {
    assertThat(BenchRunner.mixed(NORMAL, FLAGGED, 0.5)).isNull();
    assertThat(BenchRunner.mixed(new int[0], FLAGGED, 0.01)).isNull();
  }
}
