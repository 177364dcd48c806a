package io.vaestream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.schemas.ImageContract;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageDatasetTest {
  @Test
  void shouldResizeToTheNewContractKeepingLabelsAndEightBitLevels() {
    // One 2x2 image: a left-to-right ramp from 0 to 1.
    ImageDataset d = new ImageDataset(
        new ImageContract(2, 2, 1),
        new float[] {0, 1, 0, 1},
        new int[] {3},
        List.of("a", "b", "c", "d"),
        "ramp");
    ImageDataset big = d.resized(8, 8);
    assertThat(big.contract()).isEqualTo(new ImageContract(8, 8, 1));
    assertThat(big.labels()).containsExactly(3);
    assertThat(big.description()).isEqualTo("ramp resized to 8x8");
    float[] row = java.util.Arrays.copyOfRange(big.image(0), 0, 8);
    assertThat(row[0]).isZero();
    assertThat(row[7]).isEqualTo(1f);
    for (int x = 1; x < 8; x++) {
      assertThat(row[x]).as("non-decreasing along the ramp").isGreaterThanOrEqualTo(row[x - 1]);
    }
    for (float v : big.pixels()) {
      assertThat(Math.round(v * 255) / 255f).as("an 8-bit level").isEqualTo(v);
    }
    assertThat(java.util.Arrays.copyOfRange(big.image(0), 56, 64))
        .as("every row alike")
        .containsExactly(row);
  }
}
