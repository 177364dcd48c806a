package io.vaestream.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.testing.DataFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
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
