package io.vaestream.trainer.cli;

import io.vaestream.trainer.TrainingRun;
import picocli.CommandLine.Option;

/** How the thresholds are calibrated, shared by {@code train}, {@code evaluate} and {@code evaluate-maps}. */
final class CalibrationOptions {
  @Option(
      names = "--holdout",
      defaultValue = "" + TrainingRun.DEFAULT_HOLDOUT,
      description =
          "Fraction of normal images held out for calibration, never trained on (default: ${DEFAULT-VALUE}).")
  double holdout;

  @Option(
      names = "--target-far",
      defaultValue = "" + TrainingRun.DEFAULT_TARGET_FAR,
      description = "False-alarm rate the thresholds are set for (default: ${DEFAULT-VALUE}).")
  double targetFar;
}
