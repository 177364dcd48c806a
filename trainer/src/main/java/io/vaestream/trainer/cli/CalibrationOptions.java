package io.vaestream.trainer.cli;

import picocli.CommandLine.Option;

/** How the thresholds are calibrated, shared by {@code train}, {@code evaluate} and {@code evaluate-maps}. */
final class CalibrationOptions {
  @Option(
      names = "--holdout",
      defaultValue = "0.1",
      description =
          "Fraction of normal images held out for calibration, never trained on (default: ${DEFAULT-VALUE}).")
  double holdout;

  @Option(
      names = "--target-far",
      defaultValue = "0.01",
      description = "False-alarm rate the thresholds are set for (default: ${DEFAULT-VALUE}).")
  double targetFar;
}
