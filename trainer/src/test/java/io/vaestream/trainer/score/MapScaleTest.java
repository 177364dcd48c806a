package io.vaestream.trainer.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.model.VaeTrainer;
import io.vaestream.trainer.testing.SyntheticImages;
import org.junit.jupiter.api.Test;

class MapScaleTest {

  /**
   * The map averages the scaled residual over every decoding of an image (z = μ and the posterior
   * draws), so its scale is the spread of those residuals; measured at z = μ alone, the residuals
   * at the draws, which are larger, left the map of a normal image above 1 everywhere.
   */
  @Test
  void shouldMeasureTheResidualAtEveryLatentPointTheMapAverages() throws Exception {
    ImageContract rgb64 = new ImageContract(64, 64, 3, ImageContract.Resize.RESIZE);
    ImageDataset normals = SyntheticImages.tinted(SyntheticImages.squaresAndRings(48, 1))
        .filterLabels(l -> l == 0, "squares")
        .refit(rgb64);
    VaeConfig config =
        new VaeConfig(VaeArchitecture.MLP, 4, 1.0, 1, 16, 3e-3, 3L, 16).withPosteriorDraws(4);
    VaeModel drawn = new VaeTrainer(s -> {}, m -> {}).fit(config, normals, null);

    double withDraws = mean(MapScale.of(drawn, normals, 1).inverse());
    double atMean = mean(MapScale.of(drawn.withPosteriorDraws(1), normals, 1).inverse());

    assertThat(withDraws).isLessThan(atMean);
  }

  private static double mean(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x / (double) v.length;
    }
    return s;
  }
}
