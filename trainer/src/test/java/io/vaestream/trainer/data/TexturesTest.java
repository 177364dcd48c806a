package io.vaestream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.trainer.data.Textures.Benchmark;
import io.vaestream.trainer.data.Textures.Defect;
import io.vaestream.trainer.data.Textures.Family;
import io.vaestream.trainer.data.Textures.Sample;
import io.vaestream.trainer.data.Textures.Split;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TexturesTest {
  @TempDir
  Path dir;

  @Test
  void shouldGenerateIdenticalImagesFromTheSameSeed() {
    Benchmark a = Textures.generate(Family.FABRIC, 64, 3, 2, 1, 42);
    Benchmark b = Textures.generate(Family.FABRIC, 64, 3, 2, 1, 42);
    assertThat(b.train().images()).isEqualTo(a.train().images());
    assertThat(b.test().images()).isEqualTo(a.test().images());
    assertThat(b.test().masks()).isEqualTo(a.test().masks());
    assertThat(b.test().labels()).isEqualTo(a.test().labels());
  }

  @Test
  void shouldGenerateOtherImagesFromAnotherSeed() {
    Benchmark a = Textures.generate(Family.FABRIC, 64, 2, 1, 1, 42);
    Benchmark b = Textures.generate(Family.FABRIC, 64, 2, 1, 1, 43);
    assertThat(b.train().images()).isNotEqualTo(a.train().images());
    assertThat(b.test().masks()).isNotEqualTo(a.test().masks());
  }

  @Test
  void shouldKeepEachImageIndependentOfHowManyAreAskedFor() {
    Benchmark small = Textures.generate(Family.WOOD, 64, 1, 1, 1, 7);
    Benchmark large = Textures.generate(Family.WOOD, 64, 4, 3, 2, 7);
    assertThat(image(large.train(), 0)).isEqualTo(image(small.train(), 0));
    assertThat(image(large.test(), 0)).isEqualTo(image(small.test(), 0));
    // The first scratch: index 1 in the small test split, index 3 in the large one.
    assertThat(image(large.test(), 3)).isEqualTo(image(small.test(), 1));
  }

  @Test
  void shouldKeepTrainingAndTestNormalsApart() {
    Benchmark b = Textures.generate(Family.METAL, 64, 1, 1, 0, 7);
    assertThat(image(b.test(), 0)).isNotEqualTo(image(b.train(), 0));
  }

  @Test
  void shouldRenderWhatGenerateProduces() {
    Benchmark b = Textures.generate(Family.METAL, 64, 1, 1, 2, 11);
    int i = 1 + 2 + 1; // after the good image and two scratches: the second spot
    Sample s = Textures.render(Family.METAL, 64, Defect.SPOT, Textures.imageSeed(11, false, 2, 1));
    assertThat(image(b.test(), i)).isEqualTo(s.image());
    assertThat(mask(b.test(), i)).isEqualTo(s.mask());
  }

  @Test
  void shouldLabelGoodImagesFirstThenEachDefect() {
    Benchmark b = Textures.generate(Family.FABRIC, 32, 2, 2, 1, 1);
    assertThat(b.train().labels()).containsExactly(0, 0);
    assertThat(b.test().labels()).containsExactly(0, 0, 1, 2, 3, 4, 5);
    assertThat(b.test().count()).isEqualTo(7);
    assertThat(b.test().images()).hasSize(7 * 3 * 32 * 32);
    assertThat(b.test().masks()).hasSize(7 * 32 * 32);
    assertThat(Split.labelName(0)).isEqualTo("good");
    assertThat(Split.labelName(Defect.PATCH.label())).isEqualTo("patch");
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void shouldQuantizeEveryValueToEightBitsWithinRange(Family family) {
    Benchmark b = Textures.generate(family, 64, 2, 1, 1, 5);
    for (float[] values : new float[][] {b.train().images(), b.test().images()}) {
      for (float v : values) {
        assertThat(v).isBetween(0f, 1f);
        assertThat(Math.round(v * 255) / 255f).isEqualTo(v);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {64, 128, 256})
  void shouldMarkEveryDefectWithAPlausibleMaskAndNoNormal(int side) {
    for (Family family : Family.values()) {
      Benchmark b = Textures.generate(family, side, 2, 2, 3, 2024);
      assertThat(defectPixels(b.train(), 0)).isZero();
      assertThat(defectPixels(b.train(), 1)).isZero();
      Split test = b.test();
      for (int i = 0; i < test.count(); i++) {
        double area = defectPixels(test, i) / (double) (side * side);
        if (test.labels()[i] == 0) {
          assertThat(area).isZero();
        } else {
          assertThat(area)
              .as("%s %s image %d", family, Split.labelName(test.labels()[i]), i)
              .isBetween(0.0005, 0.15);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Defect.class)
  void shouldChangeThePixelsInsideTheMaskAndNothingOutside(Defect defect) {
    for (Family family : Family.values()) {
      for (int i = 0; i < 5; i++) {
        long seed = Textures.imageSeed(99, false, defect.label(), i);
        Sample broken = Textures.render(family, 128, defect, seed);
        Sample normal = Textures.render(family, 128, null, seed);
        assertThat(normal.mask()).containsOnly((byte) 0);
        double[] inOut = meanDifferenceInsideAndOutside(broken, normal);
        assertThat(inOut[0]).as("%s %s inside", family, defect).isGreaterThan(0.02);
        assertThat(inOut[1]).as("%s %s outside", family, defect).isLessThan(0.002);
        assertThat(inOut[0]).isGreaterThan(20 * inOut[1]);
      }
    }
  }

  @Test
  void shouldWriteTheMvtecLayoutThatDecodesToTheSameValues() throws Exception {
    Benchmark b = Textures.generate(Family.WOOD, 64, 2, 2, 1, 3);
    Textures.writeFolder(b, dir);

    assertThat(dir.resolve("train/good/000.png")).isRegularFile();
    assertPng(dir.resolve("train/good/001.png"), b.train(), 1);
    assertPng(dir.resolve("test/good/001.png"), b.test(), 1);
    for (Defect d : Defect.values()) {
      int i = 2 + d.ordinal();
      assertPng(dir.resolve("test/" + d.folderName() + "/000.png"), b.test(), i);
      Path maskFile = dir.resolve("ground_truth/" + d.folderName() + "/000_mask.png");
      BufferedImage m = ImageIO.read(maskFile.toFile());
      assertThat(m.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
      byte[] expected = mask(b.test(), i);
      for (int p = 0; p < expected.length; p++) {
        int grey = m.getRaster().getSample(p % 64, p / 64, 0);
        assertThat(grey).isEqualTo(expected[p] == 0 ? 0 : 255);
      }
    }
    assertThat(dir.resolve("ground_truth/good")).doesNotExist();
    String readme = Files.readString(dir.resolve("README.txt"));
    assertThat(readme)
        .contains("SYNTHETIC", "Family: wood", "Seed: 3", "64x64", "Textures.generate(WOOD, 64, 2");
  }

  @Test
  void shouldRejectInvalidArguments() {
    assertThatThrownBy(() -> Textures.generate(Family.FABRIC, 16, 1, 1, 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("side=16");
    assertThatThrownBy(() -> Textures.generate(Family.FABRIC, 64, -1, 1, 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trainNormals=-1");
    assertThatThrownBy(() -> Textures.generate(Family.FABRIC, 2048, 200, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("do not fit");
    assertThatThrownBy(() -> Textures.generate(null, 64, 1, 1, 1, 0))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void shouldGenerateEmptySplitsWhenNothingIsAskedFor() {
    Benchmark b = Textures.generate(Family.METAL, 64, 0, 0, 0, 0);
    assertThat(b.train().count()).isZero();
    assertThat(b.test().images()).isEmpty();
  }

  private static void assertPng(Path file, Split split, int i) throws Exception {
    BufferedImage img = ImageIO.read(file.toFile());
    int side = split.side();
    assertThat(img.getWidth()).isEqualTo(side);
    float[] decoded = new float[split.imageSize()];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        int rgb = img.getRGB(x, y);
        int p = y * side + x;
        decoded[p] = (rgb >> 16 & 0xFF) / 255f;
        decoded[side * side + p] = (rgb >> 8 & 0xFF) / 255f;
        decoded[2 * side * side + p] = (rgb & 0xFF) / 255f;
      }
    }
    assertThat(decoded).isEqualTo(image(split, i));
  }

  private static double[] meanDifferenceInsideAndOutside(Sample broken, Sample normal) {
    int plane = broken.mask().length;
    double inside = 0;
    double outside = 0;
    int in = 0;
    for (int p = 0; p < plane; p++) {
      double diff = 0;
      for (int c = 0; c < 3; c++) {
        diff += Math.abs(broken.image()[c * plane + p] - normal.image()[c * plane + p]) / 3;
      }
      if (broken.mask()[p] != 0) {
        inside += diff;
        in++;
      } else {
        outside += diff;
      }
    }
    return new double[] {inside / in, outside / (plane - in)};
  }

  private static int defectPixels(Split s, int i) {
    int n = 0;
    for (byte m : mask(s, i)) {
      n += m;
    }
    return n;
  }

  private static float[] image(Split s, int i) {
    return Arrays.copyOfRange(s.images(), i * s.imageSize(), (i + 1) * s.imageSize());
  }

  private static byte[] mask(Split s, int i) {
    int plane = s.side() * s.side();
    return Arrays.copyOfRange(s.masks(), i * plane, (i + 1) * plane);
  }
}
