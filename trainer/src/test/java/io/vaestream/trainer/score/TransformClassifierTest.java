package io.vaestream.trainer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.model.Restoration;
import io.vaestream.trainer.testing.SyntheticImages;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TransformClassifierTest {
  private static final ImageContract GREY_3 = new ImageContract(3, 3, 1);

  @Test
  void shouldTurnAsTheRestoringVaeDoesAndThenMirror() {
    float[] image = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    for (int t = 0; t < 4; t++) {
      float[] turned = new float[9];
      Restoration.rotate(image, 0, GREY_3, t, turned, 0);
      assertThat(transformed(image, t)).as("transform %d", t).containsExactly(turned);
    }
    assertThat(transformed(image, 4)).containsExactly(3, 2, 1, 6, 5, 4, 9, 8, 7);
    float[] turnedOnce = transformed(image, 1);
    assertThat(transformed(image, 5))
        .containsExactly(
            turnedOnce[2],
            turnedOnce[1],
            turnedOnce[0],
            turnedOnce[5],
            turnedOnce[4],
            turnedOnce[3],
            turnedOnce[8],
            turnedOnce[7],
            turnedOnce[6]);
  }

  @Test
  void shouldAverageChannelsAndBlocksIntoTheThumbnailDroppingThePartialBlock() {
    ImageContract rgb5 = new ImageContract(5, 5, 3);
    float[] pixels = new float[rgb5.size()];
    for (int ch = 0; ch < 3; ch++) {
      for (int p = 0; p < 25; p++) {
        pixels[ch * 25 + p] = ch + p;
      }
    }
    float[] thumb = TransformClassifier.thumbnails(rgb5, 2, pixels, 1);

    assertThat(thumb).hasSize(4);
    // the top-left block holds pixels 0, 1, 5 and 6 (mean 3), the channels add 0, 1, 2 (mean 1)
    assertThat(thumb[0]).isCloseTo(4f, within(1e-6f));
    assertThat(thumb[3]).isCloseTo(1 + (12 + 13 + 17 + 18) / 4f, within(1e-6f));
  }

  @Test
  void shouldLearnThePoseOfShapesThatHaveOneAndSayWhenThereIsNone() {
    TransformClassifier ells = TransformClassifier.train(SyntheticImages.ells(240, 1), 6000, 3);
    ImageDataset heldOut = SyntheticImages.ells(60, 2);
    ImageDataset squares =
        SyntheticImages.squaresAndRings(60, 2).filterLabels(l -> l == 0, "squares");
    double[] normal = ells.scores(heldOut.pixels(), heldOut.size());
    double[] other = ells.scores(squares.pixels(), squares.size());

    assertThat(TransformClassifier.learnt(normal)).isTrue();
    assertThat(mean(other)).isGreaterThan(mean(normal) + 0.5);

    // A square looks the same in all eight transforms: little to learn but where it sits in the
    // frame, and it scores about as a guess would (ln 8), or worse.
    ImageDataset trainSquares =
        SyntheticImages.squaresAndRings(240, 1).filterLabels(l -> l == 0, "squares");
    TransformClassifier symmetric = TransformClassifier.train(trainSquares, 6000, 3);
    double[] same = symmetric.scores(squares.pixels(), squares.size());
    assertThat(TransformClassifier.learnt(same)).isFalse();
    assertThat(mean(same)).isGreaterThan(TransformClassifier.LEARNT_BELOW + 0.5);
  }

  private static float[] transformed(float[] image, int t) {
    float[] out = new float[image.length];
    TransformClassifier.transform(image, 0, GREY_3, t, out, 0);
    return out;
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElseThrow();
  }
}
