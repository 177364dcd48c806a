package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.ImageDataset;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
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
}
