package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.ImageDataset;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScoreCommandTest {
  @Test
  void shouldWriteAnImagesFileAsAValidCsvFieldAndJsonMember() throws Exception {
    assertThat(ScoreCommand.fileField("good/007.png", true)).isEqualTo("good/007.png,");
    assertThat(ScoreCommand.fileField("a,b \"c\".png", true)).isEqualTo("\"a,b \"\"c\"\".png\",");
    assertThat(ScoreCommand.fileField("two\nlines.png", true)).isEqualTo("\"two\nlines.png\",");
    assertThat(ScoreCommand.fileField("say \"x\".png", false))
        .isEqualTo("\"file\":\"say \\\"x\\\".png\",");
  }

  /**
   * A model trained on train/good records "0 (good)"; a test folder numbers broken 0 and good 1.
   * Taken by number, broken images counted as the normal class.
   */
  @Test
  void shouldTakeTheModelsNormalClassByItsNameInAnotherFolder() {
    ImageDataset test = new ImageDataset(
        ImageContract.GRAY_28,
        new float[2 * 784],
        new int[] {0, 1},
        List.of("broken", "good"),
        "t");
    assertThat(ScoreCommand.recordedClasses("0 (good)", test)).containsExactly(1);
    assertThat(ScoreCommand.recordedClasses("all", test)).isEmpty();
    ImageDataset unnamed =
        new ImageDataset(ImageContract.GRAY_28, new float[784], new int[] {3}, List.of(), "idx");
    assertThat(ScoreCommand.recordedClasses("3 (Dress), 5 (Sandal)", unnamed))
        .containsExactly(3, 5);
    // trained on folders 0, 1 and 2 with 1 normal; scored on folders 1 and 2, where 1 is class 0
    ImageDataset numbered = new ImageDataset(
        ImageContract.GRAY_28, new float[2 * 784], new int[] {0, 1}, List.of("1", "2"), "n");
    assertThat(ScoreCommand.recordedClasses("1 (1)", numbered)).containsExactly(0);
    assertThat(ScoreCommand.recordedClasses("7 (7)", numbered))
        .as("a class the training data did not name keeps its number")
        .containsExactly(7);
    assertThatThrownBy(() -> ScoreCommand.recordedClasses("2 (scratch)", test))
        .hasMessageContaining(
            "the model's normal class 'scratch' is not a class of t (broken, good)");
  }

  /** JSON has no NaN: a model that scored one wrote a line no JSON reader takes. */
  @Test
  void shouldWriteANonFiniteNumberAsJsonNull() {
    assertThat(ScoreCommand.number(Float.NaN, false)).isEqualTo("null");
    assertThat(ScoreCommand.number(Float.POSITIVE_INFINITY, false)).isEqualTo("null");
    assertThat(ScoreCommand.number(Float.NaN, true)).isEqualTo("NaN");
    assertThat(ScoreCommand.number(0.25f, false)).isEqualTo("0.25");
  }

  /** --out was opened after the scoring: a long run was lost to a folder given as the file. */
  @Test
  void shouldRefuseAFolderAsOutBeforeScoring(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    CommandLine cl = VaestreamApp.commandLine();
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(
        "score",
        "--model",
        dir.resolve("none.onnx").toString(),
        "--data",
        "fashion-mnist:test",
        "--out",
        dir.toString());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("out=" + dir + " is invalid: a folder");
  }

  /**
   * {@code --maps} draws each flagged image of a folder as it was given, the map over it, under its
   * class and file name; a normal image gets no picture.
   */
  @Test
  void shouldDrawTheMapOverEachFlaggedImage(@TempDir Path dir) throws Exception {
    Path model = TinyVaeModel.writeWithMap(dir.resolve("model"), 0.3, false);
    Path data = dir.resolve("data");
    writeGrey(data.resolve("good/plain.png"), false);
    writeGrey(data.resolve("spot/0001.png"), true);
    Path maps = dir.resolve("maps");

    Run run = score(model, data, maps);

    assertThat(run.exit()).isEqualTo(0);
    assertThat(run.out()).contains("maps        1 flagged images with their maps in " + maps);
    assertThat(maps.resolve("good/plain.png")).doesNotExist();
    BufferedImage picture = ImageIO.read(maps.resolve("spot/0001.png").toFile());
    assertThat(picture.getWidth()).as("28 px enlarged 9 times").isEqualTo(252);
    Color spot = new Color(picture.getRGB(14 * 9 + 4, 14 * 9 + 4));
    Color plain = new Color(picture.getRGB(2 * 9, 2 * 9));
    assertThat(spot.getRed()).as("the map reddens the spot").isGreaterThan(spot.getGreen());
    assertThat(plain.getRed()).as("and leaves the rest as it was").isEqualTo(plain.getGreen());
    assertThat(plain.getRed()).isEqualTo(plain.getBlue()).isBetween(126, 130);
  }

  @Test
  void shouldRefuseMapsOfAModelWithoutThem(@TempDir Path dir) throws Exception {
    Path model = TinyVaeModel.write(dir.resolve("model"), 0.3);
    writeGrey(dir.resolve("data/good/plain.png"), false);

    Run run = score(model, dir.resolve("data"), dir.resolve("maps"));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("gives no anomaly maps");
  }

  /** Pictures written into the data folder overwrote its images, or became a class of it. */
  @Test
  void shouldRefuseAMapsFolderInsideTheData(@TempDir Path dir) throws Exception {
    Path model = TinyVaeModel.writeWithMap(dir.resolve("model"), 0.3, false);
    writeGrey(dir.resolve("data/good/plain.png"), false);

    Run run = score(model, dir.resolve("data"), dir.resolve("data/good"));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("inside the data folder");
    assertThat(dir.resolve("data/good").toFile().list()).containsExactly("plain.png");
  }

  private record Run(int exit, String out, String err) {}

  /** {@code score --model model --data data --maps maps}, with what it printed. */
  private static Run score(Path model, Path data, Path maps) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = VaestreamApp.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(
        "score", "--model", model.toString(), "--data", data.toString(), "--maps", maps.toString());
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void shouldNameAPictureByItsImagesWholePath() {
    ImageDataset files = new ImageDataset(
            ImageContract.GRAY_28, new float[2 * 784], new int[] {0, 0}, List.of("hole"), "f")
        .withSources(List.of("hole/0003.jpg", "hole/0003.png"));
    ImageDataset idx = new ImageDataset(
        ImageContract.GRAY_28, new float[784], new int[] {0}, List.of("T-shirt/top"), "idx");

    assertThat(MapOverlays.name(files, 0)).isEqualTo("hole/0003.jpg.png");
    assertThat(MapOverlays.name(files, 1)).isEqualTo("hole/0003.png");
    assertThat(MapOverlays.name(idx, 0)).isEqualTo("00000-T-shirt_top.png");
  }

  /** A 28 × 28 grey PNG at level 128, with a white 10 × 10 spot in the middle where {@code spot}. */
  private static void writeGrey(Path file, boolean spot) throws IOException {
    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        boolean in = spot && x >= 9 && x < 19 && y >= 9 && y < 19;
        img.getRaster().setSample(x, y, 0, in ? 255 : 128);
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
  }
}
