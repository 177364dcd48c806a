package io.vaestream.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.testing.DataFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationDataTest {
  @TempDir
  Path dir;

  /** 200 distinct noise images in 4 classes, as one IDX file. */
  private Path idx() throws Exception {
    Random r = new Random(3);
    int n = 200;
    float[] pixels = new float[n * 784];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 4;
      for (int j = 0; j < 784; j++) {
        pixels[i * 784 + j] = r.nextInt(256) / 255f;
      }
    }
    ImageDataset d = new ImageDataset(
        ImageContract.GRAY_28, pixels, labels, List.of("a", "b", "c", "d"), "noise");
    return DataFiles.writeIdx(dir, "noise", d)[0];
  }

  @Test
  void shouldNeverTestOnAnImageItTrainedOnWhenBothComeFromOneSource() throws Exception {
    Path file = idx();

    EvaluationData data = EvaluationData.open(file.toString(), file.toString(), 0.2, 42);

    Set<String> trained = new HashSet<>();
    for (int i = 0; i < data.train().size(); i++) {
      trained.add(Arrays.toString(data.train().image(i)));
    }
    for (int i = 0; i < data.test().size(); i++) {
      assertThat(trained)
          .as("test image %d", i)
          .doesNotContain(Arrays.toString(data.test().image(i)));
    }
    assertThat(data.train().size() + data.test().size()).isEqualTo(200);
    assertThat(data.test().size()).isEqualTo(40);
    for (int c = 0; c < 4; c++) {
      final int k = c;
      assertThat(Arrays.stream(data.test().labels()).filter(l -> l == k).count())
          .as("class %d", c)
          .isEqualTo(10);
    }
    assertThat(data.split())
        .contains("both come from", "20% of each class (40 images)", "never trained on");
    assertThat(data.name()).isEqualTo("noise");
  }

  @Test
  void shouldKeepSeparateSourcesWhole() throws Exception {
    Path file = idx();
    java.nio.file.Files.createDirectories(dir.resolve("other"));
    Path other = DataFiles.writeIdx(
        dir.resolve("other"),
        "other",
        new ImageDataset(ImageContract.GRAY_28, new float[784], new int[1], List.of("a"), "one"))[
        0];

    EvaluationData data = EvaluationData.open(file.toString(), other.toString(), 0.2, 42);

    assertThat(data.train().size()).isEqualTo(200);
    assertThat(data.test().size()).isEqualTo(1);
    assertThat(data.split()).startsWith("Training images from");
  }

  /** A test set that holds copies of training images is tested without them. */
  @Test
  void shouldLeaveOutTestImagesThatAreTrainingImagesToo() throws Exception {
    Path file = idx();
    ImageDataset all =
        EvaluationData.open(file.toString(), file.toString(), 0.2, 42).train();
    ImageDataset mixed = new ImageDataset(
        ImageContract.GRAY_28,
        new float[5 * 784],
        new int[] {0, 1, 2, 3, 0},
        List.of("a", "b", "c", "d"),
        "mixed");
    for (int i = 0; i < 3; i++) {
      System.arraycopy(all.image(i), 0, mixed.pixels(), i * 784, 784);
    }
    mixed.pixels()[4 * 784] = 1; // unlike image 3, which is black
    java.nio.file.Files.createDirectories(dir.resolve("mixed"));
    Path test = DataFiles.writeIdx(dir.resolve("mixed"), "mixed", mixed)[0];

    EvaluationData data = EvaluationData.open(file.toString(), test.toString(), 0.2, 42);

    assertThat(data.train().size()).isEqualTo(200);
    assertThat(data.test().size()).isEqualTo(2);
    assertThat(data.test().labels()).containsExactly(3, 0);
    assertThat(data.split())
        .contains("3 of the 5 test images are training images too, pixel for pixel");
  }

  /**
   * A training folder with only {@code good} numbers it 0; a test folder numbers its classes from
   * their own sorted names, where {@code broken} came first. Compared by number, broken images
   * counted as normal, and the report's AUROC was silently wrong.
   */
  @Test
  void shouldNumberTheTestClassesByTheTrainingClassesNames() throws Exception {
    writePngs(dir.resolve("train/good"), 3, 40);
    writePngs(dir.resolve("test/broken"), 2, 200);
    writePngs(dir.resolve("test/good"), 2, 41); // not the training images themselves
    writePngs(dir.resolve("test/scratched"), 1, 220);

    EvaluationData data = EvaluationData.open(
        dir.resolve("train").toString(), dir.resolve("test").toString(), 0.2, 42);

    ImageDataset test = data.test();
    assertThat(test.classNames()).containsExactly("good", "broken", "scratched");
    for (int i = 0; i < test.size(); i++) {
      String file = test.source(i);
      assertThat(test.className(test.label(i)))
          .as(file)
          .isEqualTo(file.substring(0, file.indexOf('/')));
    }
    assertThat(Arrays.stream(test.labels()).filter(l -> l == 0).count()).isEqualTo(2);
  }

  /** {@code n} 28 x 28 grey PNGs of one grey level in {@code folder}. */
  private static void writePngs(Path folder, int n, int level) throws Exception {
    java.nio.file.Files.createDirectories(folder);
    for (int i = 0; i < n; i++) {
      BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      img.getRaster().setSample(i, i, 0, level);
      ImageIO.write(img, "png", folder.resolve(i + ".png").toFile());
    }
  }

  @Test
  void shouldTreatBothNamesOfFashionMnistTrainAsOneSource() {
    assertThat(EvaluationData.sameSource("fashion-mnist", "fashion-mnist:train"))
        .isTrue();
    assertThat(EvaluationData.sameSource("fashion-mnist:train", "fashion-mnist:test"))
        .isFalse();
    assertThat(EvaluationData.name("fashion-mnist:test")).isEqualTo("fashion-mnist");
    assertThat(EvaluationData.name("/x/train-images-idx3-ubyte.gz")).isEqualTo("train");
  }
}
