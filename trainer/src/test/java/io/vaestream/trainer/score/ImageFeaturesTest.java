package io.vaestream.trainer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.testing.SyntheticImages;
import org.junit.jupiter.api.Test;

class ImageFeaturesTest {
  private final ImageFeatures features = new ImageFeatures(ImageContract.GRAY_28, true);
  private final float[] shape = SyntheticImages.squaresAndRings(1, 3).pixels();

  @Test
  void shouldKeepBrightnessByDefault() {
    ImageFeatures plain = new ImageFeatures(ImageContract.GRAY_28);
    assertThat(plain.shapeOnly()).isFalse();
    float[] p = plain.pixelFeatures(shape, 0);
    float[] s = features.pixelFeatures(shape, 0);
    double n = length(p);
    for (int i = 0; i < p.length; i++) {
      assertThat((double) p[i]).isCloseTo(s[i] * n, within(1e-5));
    }
  }

  @Test
  void shouldGiveFeatureVectorsOfUnitLengthWhenAskedToCompareShapes() {
    assertThat(length(features.pixelFeatures(shape, 0))).isCloseTo(1.0, within(1e-6));
    assertThat(length(features.orientationFeatures(shape, 0))).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void shouldCompareShapesNotBrightness() {
    float[] dimmer = shape.clone();
    for (int i = 0; i < dimmer.length; i++) {
      dimmer[i] *= 0.4f;
    }
    assertThat(features.pixelFeatures(dimmer, 0))
        .containsExactly(features.pixelFeatures(shape, 0), within(1e-6f));
    assertThat(features.orientationFeatures(dimmer, 0))
        .containsExactly(features.orientationFeatures(shape, 0), within(1e-6f));
  }

  @Test
  void shouldKeepTheFeaturesOfABlankImageAtZero() {
    float[] blank = new float[ImageContract.GRAY_28.size()];
    assertThat(features.pixelFeatures(blank, 0)).containsOnly(0f);
    assertThat(features.orientationFeatures(blank, 0)).containsOnly(0f);
  }

  private static double length(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum);
  }
}
