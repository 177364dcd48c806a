package io.vaestream.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.testing.DataFiles;
import io.vaestream.trainer.testing.SyntheticImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Smoke test of the command line on a tiny IDX data set: train, info, export, sample, and errors. */
class TrainerAppTest {
  @TempDir
  static Path dir;

  static Path images;

  @BeforeAll
  static void data() throws Exception {
    images = DataFiles.writeIdx(dir, "tiny", SyntheticImages.squaresAndRings(240, 5))[0];
  }

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = TrainerApp.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** {@code train} of a small MLP on class 0 of the synthetic images, with {@code extra} options. */
  private Run trainTiny(Path out, int epochs, String... extra) {
    return trainTiny(images, out, epochs, extra);
  }

  private Run trainTiny(Path data, Path out, int epochs, String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "train",
        "--data",
        data.toString(),
        "--normal-classes",
        "0",
        "--arch",
        "mlp",
        "--epochs",
        Integer.toString(epochs),
        "--width",
        "32",
        "--latent-dim",
        "4",
        "--batch-size",
        "32",
        "--out",
        out.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  @Test
  void shouldTrainExportInspectAndSample() throws Exception {
    Path runDir = dir.resolve("run");
    Run train = trainTiny(runDir, 2);
    assertThat(train.exit()).as(train.err()).isZero();
    assertThat(train.err()).contains("epoch   2/2").contains("img/s").contains("ETA");
    assertThat(train.out())
        .contains("parity:")
        .contains("threshold:")
        .contains("95% of calibration sets this size give a false-alarm rate of");
    assertThat(runDir.resolve("model.onnx")).isRegularFile();
    assertThat(runDir.resolve("model.json"))
        .content()
        .contains("vaestream.threshold")
        .contains("vaestream.threshold.false_alarm_rate_range")
        .contains("\"vaestream.score.protocol\" : \"one-class")
        .contains("vaestream.score.memory_bank");
    assertThat(train.out())
        .contains("score:     fused")
        .contains("vae error: over z = mu and 3 posterior draws (--posterior-draws 4;")
        .contains("chosen:    one-class");
    assertThat(runDir.resolve("checkpoint/graph.sd")).isRegularFile();

    Path semiDir = dir.resolve("semi");
    Run semi = trainTiny(semiDir, 1, "--validation-anomalies", "other-classes", "--score", "vae");
    assertThat(semi.exit()).as(semi.err()).isZero();
    assertThat(semi.out()).contains("chosen:    semi-supervised");
    assertThat(semiDir.resolve("model.json"))
        .content()
        .contains("semi-supervised: chosen by validation AUROC");

    Run info = run("info", runDir.resolve("model.onnx").toString());
    assertThat(info.exit()).as(info.err()).isZero();
    assertThat(info.out())
        .contains("golden samples: 4/4 match")
        .contains("vaestream.threshold ")
        .containsPattern("outputs: .*score")
        .containsPattern("outputs: .*knn_pixels")
        .containsPattern("outputs: .*map_peak");

    assertThat(runDir.resolve("model.json"))
        .content()
        .contains("\"vaestream.score.posterior_draws\" : \"4\"");
    Run export = run("export", "--run", runDir.toString(), "--target-far", "0.05");
    assertThat(export.exit()).as(export.err()).isZero();
    assertThat(export.out()).contains("target false-alarm rate 0.0500");
    // the same weights scored at z = μ alone, for the throughput, without training again
    Path light = dir.resolve("light");
    Run lighter = run(
        "export", "--run", runDir.toString(), "--posterior-draws", "1", "--out", light.toString());
    assertThat(lighter.exit()).as(lighter.err()).isZero();
    assertThat(lighter.out()).doesNotContain("vae error:");
    assertThat(light.resolve("model.json"))
        .content()
        .contains("\"vaestream.score.posterior_draws\" : \"1\"");
    Run none = run("export", "--run", runDir.toString(), "--posterior-draws", "0");
    assertThat(none.exit()).isNotZero();
    assertThat(none.err()).contains("posterior-draws=0 is invalid: expected 1..64");

    Run sample = run(
        "sample", "--run", runDir.toString(), "--count", "9", "--latent-data", images.toString());
    assertThat(sample.exit()).as(sample.err()).isZero();
    assertThat(runDir.resolve("samples.png")).isRegularFile();
    assertThat(runDir.resolve("latent.png")).isRegularFile();
  }

  @Test
  void shouldShipTheScoreThatComparesNeighboursByShape() throws Exception {
    Path runDir = dir.resolve("shape");
    Run train = trainTiny(runDir, 1, "--score", "fused-shape");
    assertThat(train.exit()).as(train.err()).isZero();
    assertThat(train.out()).contains("score:     fused-shape").contains("parity:");
    assertThat(runDir.resolve("model.json"))
        .content()
        .contains("\"vaestream.score.name\" : \"fused-shape\"")
        .contains("\\\"unit_length\\\":true");
    Run info = run("info", runDir.resolve("model.onnx").toString());
    assertThat(info.out()).contains("golden samples: 4/4 match");
  }

  @Test
  void shouldResumeTheSavedRunAndRefuseOptionsThatWouldChangeIt() {
    Path runDir = dir.resolve("resumed");
    Run first = trainTiny(runDir, 1);
    assertThat(first.exit()).as(first.err()).isZero();

    Run changed = run(
        "train",
        "--out",
        runDir.toString(),
        "--resume",
        "--epochs",
        "3",
        "--data",
        images.toString());
    assertThat(changed.exit()).isEqualTo(2);
    assertThat(changed.err())
        .contains("--resume continues the run saved in " + runDir.resolve("run.json"))
        .contains("refuses --epochs, --data")
        .doesNotContain("at io.vaestream");

    Run resumed = run("train", "--out", runDir.toString(), "--resume", "--model-version", "2");
    assertThat(resumed.exit()).as(resumed.err()).isZero();
    assertThat(resumed.err()).contains("after epoch 1");
    assertThat(runDir.resolve("model.json"))
        .content()
        .contains("\"vaestream.model.version\" : \"2\"")
        .contains("\"vaestream.model.name\" : \"resumed\"");

    // A fresh run into the same folder does not keep the earlier run's checkpoint.
    Run fresh = trainTiny(runDir, 1);
    assertThat(fresh.exit()).as(fresh.err()).isZero();
    assertThat(fresh.err()).contains("replacing the earlier run's checkpoint");
  }

  /**
   * A data set that gains or loses an image after training is shuffled anew, so that export and
   * {@code --resume} would calibrate the threshold on images the model trained on. Both refuse it.
   */
  @Test
  void shouldRefuseToExportOrResumeWhenTheDataChangedSinceTraining() throws Exception {
    Path data = DataFiles.writeIdx(dir, "changing", SyntheticImages.squaresAndRings(240, 5))[0];
    Path runDir = dir.resolve("changing-run");
    Run train = trainTiny(data, runDir, 1);
    assertThat(train.exit()).as(train.err()).isZero();
    assertThat(runDir.resolve("run.json")).content().contains("\"dataSha256\" : \"");
    Run same =
        run("export", "--run", runDir.toString(), "--out", dir.resolve("same").toString());
    assertThat(same.exit()).as(same.err()).isZero();

    DataFiles.writeIdx(dir, "changing", SyntheticImages.squaresAndRings(241, 5));
    Run export = run("export", "--run", runDir.toString());
    Run resume = run("train", "--out", runDir.toString(), "--resume");
    for (Run refused : List.of(export, resume)) {
      assertThat(refused.exit()).isEqualTo(2);
      assertThat(refused.err())
          .contains(data + " has changed since this run was trained")
          .contains("restore the data or train afresh")
          .doesNotContain("at io.vaestream");
    }
  }

  @Test
  void shouldExplainBadArgumentsWithoutAStackTrace() {
    Run bad = run(
        "train",
        "--data",
        images.toString(),
        "--normal-classes",
        "zero",
        "--out",
        dir.resolve("x").toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err())
        .contains("normal-classes=zero is invalid")
        .doesNotContain("at io.vaestream");

    Run missing = run("info", dir.resolve("nope.onnx").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.onnx: no such file");

    Run badData = run(
        "train",
        "--data",
        dir.resolve("nothing.bin").toString(),
        "--out",
        dir.resolve("y").toString());
    assertThat(badData.exit()).isEqualTo(2);
    assertThat(badData.err()).contains("nothing.bin").contains("is not a known data set");

    Run badPoints = run("sample", "--run", dir.resolve("r").toString(), "--latent-points", "-1");
    assertThat(badPoints.exit()).isEqualTo(2);
    assertThat(badPoints.err()).contains("latent-points=-1 is invalid: expected >= 1");

    Run badAnomalies = trainTiny(
        dir.resolve("z"), 1, "--validation-anomalies", dir.resolve("typo").toString());
    assertThat(badAnomalies.exit()).isEqualTo(2);
    assertThat(badAnomalies.err())
        .contains(dir.resolve("typo").toString())
        .doesNotContain("at io.vaestream", "UncheckedIOException");
  }

  /** The file system's exceptions name only the path: a folder that cannot be read said just that. */
  @Test
  void shouldSayWhyAFileCannotBeRead() {
    assertThat(TrainerApp.messageOf(new AccessDeniedException("/data/parts")))
        .isEqualTo("/data/parts: permission denied");
    assertThat(TrainerApp.messageOf(new NoSuchFileException("/data/gone")))
        .isEqualTo("/data/gone: no such file or folder");
    assertThat(TrainerApp.messageOf(new IllegalArgumentException("epochs=0 is invalid")))
        .isEqualTo("epochs=0 is invalid");
  }

  @Test
  void shouldEvaluateOneClassOnAHeldOutSplitAndReportTheFalseAlarmRateHonestly() {
    Path work = dir.resolve("evaluate-work");
    Path report = dir.resolve("evaluate-report");
    Run eval = evaluate(work, report, "1");
    assertThat(eval.exit()).as(eval.err()).isZero();
    // One source for both: evaluate splits it and says so, then reports against the baselines.
    assertThat(eval.err()).contains("split").doesNotContain("made again");
    assertThat(report.resolve("report.md"))
        .content()
        .contains("raw-pixel kNN, k = 5 (baseline)")
        .contains("FAR target range")
        .containsPattern(
            "even a faultless calibration lands \\d+\\.\\d of these 1 cells inside their range");
    assertThat(report.resolve("results.json")).isRegularFile();
    assertThat(work.resolve("class-0-seed-1").resolve("result.json")).isRegularFile();

    // The same work directory with other settings: the cached cell is not reported as theirs.
    Run again = evaluate(work, report, "2");
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.err())
        .contains("class 0, seed 1:", "made from other data or settings; made again");
    assertThat(work.resolve("class-0-seed-1").resolve("recipe.txt")).content().contains("epochs=2");
  }

  /** A test set without the class to test is refused before that class trains, not after. */
  @Test
  void shouldRefuseATestSetWithoutTheClassBeforeTraining() throws Exception {
    ImageDataset ringsOnly =
        SyntheticImages.squaresAndRings(40, 5).filterLabels(l -> l == 1, "rings");
    float[] dimmer = ringsOnly.pixels().clone();
    for (int i = 0; i < dimmer.length; i++) {
      dimmer[i] *= 0.5f; // not copies of training images, which evaluate would leave out
    }
    Path rings = DataFiles.writeIdx(
        dir,
        "rings",
        new ImageDataset(ringsOnly.contract(), dimmer, ringsOnly.labels(), List.of(), "rings"))[0];
    Run eval = run(
        "evaluate",
        "--train-data",
        images.toString(),
        "--test-data",
        rings.toString(),
        "--classes",
        "0",
        "--work-dir",
        dir.resolve("rings-work").toString(),
        "--report",
        dir.resolve("rings-report").toString());
    assertThat(eval.exit()).isEqualTo(2);
    assertThat(eval.err())
        .contains("classes=0 for testing is invalid")
        .contains("has no images of class 0")
        .doesNotContain("epoch");
  }

  private Run evaluate(Path work, Path report, String epochs) {
    return run(
        "evaluate",
        "--train-data",
        images.toString(),
        "--test-data",
        images.toString(),
        "--classes",
        "0",
        "--seeds",
        "1",
        "--arch",
        "mlp",
        "--epochs",
        epochs,
        "--width",
        "32",
        "--latent-dim",
        "4",
        "--work-dir",
        work.toString(),
        "--report",
        report.toString());
  }

  @Test
  void shouldGiveEveryCommandAHelp() {
    for (String cmd : new String[] {"train", "export", "sample", "evaluate", "info"}) {
      Run help = run(cmd, "--help");
      assertThat(help.exit()).isZero();
      assertThat(help.out()).contains("Usage: vaestream-trainer " + cmd);
    }
  }

  @Test
  void shouldRejectAnUnknownArchitecture() throws Exception {
    Run r = run(
        "train",
        "--arch",
        "transformer",
        "--out",
        Files.createTempDirectory(dir, "z").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("'transformer' is not mlp or conv")
        .contains("(options: vaestream-trainer train --help)")
        .doesNotContain("--latent-dim");
  }
}
