package io.vaestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class ImageStatisticsTest {

  @Test
  void shouldTakeTheMeanAndPopulationStandardDeviationOfOneImageInABatch() {
    float[] batch = {9, 9, 0f, 1f, 0f, 1f, 9};
    ImageStatistics s = ImageStatistics.of(batch, 2, 4);
    assertThat(s.meanIntensity()).isEqualTo(0.5);
    assertThat(s.contrast()).isEqualTo(0.5);
  }

  @Test
  void shouldKeepItsDigitsOnABrightFlatImage() {
    float[] x = new float[784];
    java.util.Arrays.fill(x, 0.99f);
    x[0] = 0.98f;
    ImageStatistics s = ImageStatistics.of(x, 0, x.length);
    double mean = (783 * (double) 0.99f + 0.98f) / 784;
    double var = (783 * Math.pow(0.99f - mean, 2) + Math.pow(0.98f - mean, 2)) / 784;
    assertThat(s.contrast()).isCloseTo(Math.sqrt(var), offset(1e-12));
  }

  @Test
  void shouldRefuseARangeOutsideTheTensor() {
    assertThatThrownBy(() -> ImageStatistics.of(new float[4], 2, 4))
        .hasMessageContaining("outside a tensor of 4");
    assertThatThrownBy(() -> ImageStatistics.of(new float[4], 0, 0)).hasMessageContaining("size 0");
  }
}
