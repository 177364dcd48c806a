package io.vaestream.trainer.cli;

import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.export.ModelPackager.PackagedModel;
import io.vaestream.trainer.export.ParityCheck;
import io.vaestream.trainer.model.VaeModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code export}: (re)writes the ONNX model of a run from its checkpoint. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Re-exports a run's checkpoint to RUN/model.onnx.",
      "Chooses the score on validation data, calibrates the threshold on the held-out normals, and fails",
      "unless ONNX Runtime reproduces the trainer."
    })
final class ExportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--run", required = true, description = "A directory written by 'train'.")
  Path run;

  @Option(names = "--target-far", description = "Override the run's target false-alarm rate.")
  Double targetFar;

  @Mixin
  PackagingOptions packaging = new PackagingOptions();

  @Option(names = "--out", description = "Directory for model.onnx (default: the run directory).")
  Path out;

  @Option(
      names = "--posterior-draws",
      description = "Score over this many latent points instead of the run's: z = mu and N-1 "
          + "fixed draws from the encoder's posterior; 1 scores at z = mu only, the fastest.")
  Integer posteriorDraws;

  @Override
  public Integer call() throws Exception {
    TrainingRun r = TrainingRun.load(run);
    if (targetFar != null) {
      r = r.withTargetFalseAlarmRate(targetFar);
    }
    VaeModel model = VaeModel.load(run.resolve(TrainingRun.CHECKPOINT));
    if (posteriorDraws != null) {
      // how the same weights score, not what they learnt: no retraining
      model = model.withPosteriorDraws(posteriorDraws);
    }
    TrainingRun.Splits s = r.splits();
    PackagedModel pkg =
        r.packageModel(model, s, packaging.name(run), packaging.modelVersion, packaging.quantize);
    printSummary(spec.commandLine().getOut(), pkg.write(out != null ? out : run), pkg);
    return 0;
  }

  static void printSummary(PrintWriter o, Path file, PackagedModel pkg) {
    o.printf("model:     %s%n", file);
    o.printf("sha256:    %s%n", pkg.sha256());
    o.printf("score:     %s (%s)%n", pkg.score().name(), pkg.score().formula());
    String draws = pkg.metadata().get(ModelFormat.SCORE_POSTERIOR_DRAWS);
    if (draws != null && !"1".equals(draws)) {
      o.printf(
          "vae error: over z = mu and %d posterior draws (--posterior-draws %s; 1 scores at z = mu"
              + " alone, faster)%n",
          Integer.parseInt(draws) - 1, draws);
    }
    o.printf("chosen:    %s%n", pkg.selection().protocol());
    o.printf(
        Locale.ROOT,
        "threshold: %.6g at target false-alarm rate %.4f (%d held-out normals, conformal)%n",
        pkg.threshold().value(),
        pkg.threshold().targetFalseAlarmRate(),
        pkg.threshold().calibrationSize());
    double[] far = pkg.threshold().falseAlarmRange();
    o.printf(
        Locale.ROOT,
        "           95%% of calibration sets this size give a false-alarm rate of %.2f–%.2f%%%n",
        100 * far[0],
        100 * far[1]);
    if (pkg.threshold().warning() != null) {
      o.printf("warning:   %s%n", pkg.threshold().warning());
    }
    o.printf(
        Locale.ROOT,
        "parity:    max error %.2e over %d images (gate %.0e)%n",
        pkg.parity().worst(),
        pkg.parity().images(),
        ParityCheck.TOLERANCE);
    if (pkg.metadata().containsKey(ModelFormat.QUANTIZATION)) {
      o.printf("quantized: %s%n", pkg.metadata().get(ModelFormat.QUANTIZATION));
    }
    o.flush();
  }
}
