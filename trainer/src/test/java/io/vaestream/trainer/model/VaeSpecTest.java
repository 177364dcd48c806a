package io.vaestream.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.schemas.ImageContract;
import org.junit.jupiter.api.Test;

class VaeSpecTest {
  private static VaeConfig config(VaeArchitecture arch, int width) {
    return new VaeConfig(arch, 16, 1.0, 1, 128, 1e-3, 42L, width);
  }

  @Test
  void shouldCountTheFlopsOfTheServedMlp() {
    VaeSpec spec = VaeSpec.of(config(VaeArchitecture.MLP, 512), ImageContract.GRAY_28);
    long macs = 784 * 512
        + 512 * 256 // encoder
        + 2 * 256 * 16 // μ and log σ² heads
        + 16 * 256
        + 256 * 512
        + 512 * 784; // decoder
    assertThat(spec.flopsPerImage()).isEqualTo(2 * macs);
    // at z = μ and three posterior draws, the decoder runs four times
    long decoder = 16 * 256 + 256 * 512 + 512 * 784;
    assertThat(spec.flopsPerImage(4)).isEqualTo(2 * (macs + 3 * decoder));
  }

  @Test
  void shouldFollowTheFeatureMapsThroughTheConvolutions() {
    VaeSpec spec = VaeSpec.of(config(VaeArchitecture.CONV, 32), ImageContract.GRAY_28);
    long macs = 9 * 1 * 32 * 14 * 14 // conv1, 28 -> 14
        + 9 * 32 * 64 * 7 * 7 // conv2, 14 -> 7
        + 64 * 7 * 7 * 256 // enc3
        + 2 * 256 * 16 // heads
        + 16 * 256
        + 256 * 64 * 7 * 7 // dec1, dec2
        + 16 * 64 * 32 * 7 * 7 // deconv1 scatters from 7x7, -> 14
        + 16 * 32 * 1 * 14 * 14; // deconv2 scatters from 14x14, -> 28
    assertThat(spec.flopsPerImage()).isEqualTo(2 * macs);
  }

  @Test
  void shouldGrowTheMlpWithTheImage() {
    VaeConfig c = config(VaeArchitecture.MLP, 512);
    long small = VaeSpec.of(c, ImageContract.GRAY_28).flopsPerImage();
    long large = VaeSpec.of(c, new ImageContract(128, 128, 1)).flopsPerImage();
    // Only the first and the last layer see the image: 2 × 2 × 512 × (16384 − 784) more.
    assertThat(large - small).isEqualTo(4L * 512 * (128 * 128 - 784));
  }

  @Test
  void shouldDeepenTheConvolutionsWithTheImage() {
    VaeConfig c = config(VaeArchitecture.CONV, 16);
    for (int side : new int[] {28, 64, 128, 256}) {
      VaeSpec spec = VaeSpec.of(c, new ImageContract(side, side, 3));
      long convs =
          spec.encoder().stream().filter(l -> l instanceof LayerSpec.Conv).count();
      LayerSpec.Reshape bottleneck = (LayerSpec.Reshape) spec.decoder().get(2);
      assertThat(convs).as("stages at %d", side).isEqualTo(VaeSpec.convStages(side));
      assertThat(bottleneck.dims()[1]).as("bottleneck side at %d", side).isBetween(7L, 8L);
      LayerSpec.Deconv last =
          (LayerSpec.Deconv) spec.decoder().get(spec.decoder().size() - 1);
      assertThat(last.out()).isEqualTo(3);
    }
    assertThatThrownBy(() -> VaeSpec.of(c, new ImageContract(100, 100, 3)))
        .hasMessageContaining("divisible by 8")
        .hasMessageContaining("--image-size (e.g. 104x104)");
  }

  @Test
  void shouldHalveACameraImageAsOftenAsBothItsSidesAllow() {
    VaeConfig c = config(VaeArchitecture.CONV, 16);
    // 240 halves only 4 times; the shorter side alone would ask for 5 stages (down to 7.5).
    VaeSpec vga = VaeSpec.of(c, new ImageContract(320, 240, 3));
    assertThat(vga.encoder().stream().filter(l -> l instanceof LayerSpec.Conv).count())
        .isEqualTo(4);
    assertThat(((LayerSpec.Reshape) vga.decoder().get(2)).dims()).containsExactly(128, 15, 20);
    assertThat(VaeSpec.convStages(640, 480)).isEqualTo(5);
    assertThat(VaeSpec.convStages(160, 120)).isEqualTo(3);
    // Two fewer than the shorter side asks for would leave the dense layer the whole image.
    assertThatThrownBy(() -> VaeSpec.of(c, new ImageContract(200, 100, 1)))
        .hasMessageContaining("divisible by 8")
        .hasMessageContaining("e.g. 200x104");
    // rounded to multiples of 16: 992 x 640, but 640 asks for 7 halvings and 992 halves 5 times
    assertThatThrownBy(() -> VaeSpec.of(c, new ImageContract(1000, 630, 3)))
        .hasMessageContaining("e.g. 1024x640");
    assertThat(VaeSpec.convStages(1024, 640)).isEqualTo(7);
  }
}
