package io.vaestream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.data.PixelCopies;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainingRunTest {
  private static final List<String> FOLDER = List.of("good", "hole", "scratch");

  /** A class past a folder's classes was dropped without a word (normal-classes=0,12 trained 0). */
  @Test
  void shouldNameAClassWithoutImagesAndTheClassesThereAre() {
    ImageDataset folder = new ImageDataset(
        ImageContract.GRAY_28, new float[3 * 784], new int[] {0, 1, 2}, FOLDER, "parts");
    assertThatThrownBy(
            () -> TrainingRun.requireImagesOf(Set.of(0, 12), folder, "normal-classes=0,12"))
        .hasMessageContaining("normal-classes=0,12 is invalid: parts has no images of class 12")
        .hasMessageContaining("its classes are 0 (good), 1 (hole), 2 (scratch)");
    TrainingRun.requireImagesOf(Set.of(0, 2), folder, "fine");
  }

  /**
   * A held-out image that is a copy of a training image is at distance 0 from the memory bank and
   * pulls the threshold down: a folder of camera frames may repeat some. It is not calibrated on.
   */
  @Test
  void shouldNotCalibrateOnCopiesOfTrainingImages() {
    int distinct = 40;
    float[] pixels = new float[2 * distinct * 784];
    Random r = new Random(1);
    for (int i = 0; i < distinct; i++) {
      for (int j = 0; j < 784; j++) {
        pixels[i * 784 + j] = r.nextInt(256) / 255f;
      }
    }
    System.arraycopy(pixels, 0, pixels, distinct * 784, distinct * 784); // each image twice
    ImageDataset all =
        new ImageDataset(ImageContract.GRAY_28, pixels, new int[2 * distinct], List.of(), "frames");
    TrainingRun run = new TrainingRun(
        "frames",
        Set.of(),
        0.25,
        null,
        0,
        0.01,
        null,
        0,
        new VaeConfig(VaeArchitecture.MLP, 6, 1.0, 8, 32, 3e-3, 3L, 128),
        null,
        null);

    TrainingRun.Splits s = run.splits(all);

    assertThat(s.train().size()).isEqualTo(60);
    assertThat(s.calibration().size()).isPositive().isLessThan(20);
    assertThat(PixelCopies.notIn(s.calibration(), s.train()))
        .hasSize(s.calibration().size());
  }
}
