package io.vaestream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  /** Grey data for a colour model (sample's latent picture, score): the grey in each channel. */
  @Test
  void shouldRefitGreyImagesToAColourModel() {
    float[] px = new float[784];
    px[5] = 51 / 255f;
    ImageDataset grey = new ImageDataset(ImageContract.GRAY_28, px, new int[] {0}, List.of(), "g");
    ImageDataset colour = grey.refit(new ImageContract(28, 28, 3));
    float[] t = colour.image(0);
    assertThat(new float[] {t[5], t[784 + 5], t[2 * 784 + 5]}).containsOnly(0.2f);
  }

  /**
   * Fashion-MNIST's 60,000 images refitted to 128 × 128 colour are 2.9 billion values: the int
   * product wrapped round to a negative array size, a stack trace instead of a reason.
   */
  @Test
  void shouldRefuseMoreImagesThanOneArrayOrTheHeapHoldsNamingTheNumbers() {
    assertThatThrownBy(() -> ImageDataset.tensorFloats(
            "fashion-mnist:train", 60_000, new ImageContract(128, 128, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fashion-mnist:train holds 60000 images: at 128x128x3")
        .hasMessageContaining("2,949,120,000 values")
        .hasMessageContaining("more than one array holds");
    long heapFloats = Runtime.getRuntime().maxMemory() / Float.BYTES;
    if (heapFloats < Integer.MAX_VALUE - 8) {
      assertThatThrownBy(() -> ImageDataset.tensorFloats(
              "big", (int) (heapFloats / 1024 + 1), new ImageContract(32, 32, 1)))
          .hasMessageContaining("more than the Java heap");
    }
    assertThat(ImageDataset.tensorFloats("small", 10, ImageContract.GRAY_28)).isEqualTo(7840);
  }
}
