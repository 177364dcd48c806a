package io.vaestream.trainer.cli;

import io.vaestream.trainer.data.InspectionData;
import io.vaestream.trainer.eval.InspectionEvaluation;
import io.vaestream.trainer.eval.InspectionReport;
import io.vaestream.trainer.export.ModelPackager;
import io.vaestream.trainer.score.ScoreSelector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evaluate-maps}: image and pixel AUROC on an inspection set with masks, beside baselines. */
@Command(
    name = "evaluate-maps",
    mixinStandardHelpOptions = true,
    description = {
      "Trains on the normal images of an MVTec-AD-style folder (train/good), then reports image AUROC and pixel "
          + "AUROC of the anomaly map on test/ against ground_truth/ masks, beside two baselines of the same run.",
      "Write a synthetic set with 'textures'. Labels and masks are used for measuring only."
    })
final class EvaluateMapsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(
      names = "--data",
      required = true,
      description = "Folder with train/, test/ and ground_truth/.")
  Path data;

  @Option(
      names = "--work-dir",
      defaultValue = "runs/evaluate-maps",
      description = "Where the model is written (default: ${DEFAULT-VALUE}).")
  Path workDir;

  @Option(
      names = "--report",
      defaultValue = "runs/evaluate-maps/report",
      description =
          "Directory for report.md, examples.png and result.json (default: ${DEFAULT-VALUE}).")
  Path report;

  @Option(
      names = "--score",
      defaultValue = "fused",
      converter = ScoringOptions.KindConverter.class,
      description = "The image score, as for train: fused, fused-shape or fused-sum "
          + "(default: ${DEFAULT-VALUE}).")
  ScoreSelector.Kind score;

  @Mixin
  CalibrationOptions calibration = new CalibrationOptions();

  @Mixin
  InputOptions input = new InputOptions();

  @Mixin
  ModelOptions model = new ModelOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter log = spec.commandLine().getErr();
    InspectionData d = InspectionData.read(data, input.toShape());
    InspectionEvaluation.Settings st = new InspectionEvaluation.Settings(
        model.toConfig().resolvedFor(d.train().contract()),
        calibration.holdout,
        calibration.targetFar,
        ModelPackager.ScoreOptions.DEFAULT_BANK_SIZE,
        score);
    InspectionEvaluation.Result r = InspectionEvaluation.run(d, st, workDir, log);
    String command =
        "./vaestream " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    Path md = InspectionReport.write(report, r, command, st);
    spec.commandLine().getOut().printf("report: %s%n", md);
    return 0;
  }
}
