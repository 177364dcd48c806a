package io.vaestream.trainer.cli;

import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.export.ModelPackager;
import io.vaestream.trainer.score.ScoreSelector;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** How the score is decided, shared by {@code train}, {@code export} and {@code evaluate}. */
final class ScoringOptions {
  @Option(
      names = "--score",
      defaultValue = "fused",
      converter = KindConverter.class,
      description = "fused: parts standardised on held-out normals (the VAE's blurred "
          + "reconstruction error, the distances to the nearest training normals in blurred pixels "
          + "and in gradient orientations), summed with a transform classifier's surprise where it "
          + "learns the images' pose (objects), else combined by a smooth maximum with the anomaly "
          + "map's peak (surfaces); fused-max: the latter always, no classifier (the default "
          + "before, faster); fused-shape: as fused-max, the neighbours compared by shape, not "
          + "brightness (for lighting that varies between shots); fused-sum: the sum of the first "
          + "three; vae: the VAE's blurred reconstruction error alone, no memory bank, fastest "
          + "(default: ${DEFAULT-VALUE}).")
  ScoreSelector.Kind score;

  @Option(
      names = "--bank-size",
      defaultValue = "" + ModelPackager.ScoreOptions.DEFAULT_BANK_SIZE,
      description =
          "Most training normals kept in the fused score's memory bank, stored in the model "
              + "(default: ${DEFAULT-VALUE}).")
  int bankSize;

  @Option(
      names = "--validation-anomalies",
      paramLabel = "DATA",
      description = "Semi-supervised: choose the score by AUROC against these labelled anomalies; "
          + TrainingRun.OTHER_CLASSES
          + " takes the other classes of the training data. Off by default: the score "
          + "is then chosen with normal images alone, and the model's metadata says which.")
  String validationAnomalies;

  @Option(
      names = "--anomaly-sample",
      defaultValue = "" + TrainingRun.DEFAULT_ANOMALY_SAMPLE,
      description = "At most this many validation anomalies (default: ${DEFAULT-VALUE}).")
  int anomalySample;

  /** A {@link ScoreSelector.Kind#label()}: {@code fused}, {@code fused-shape}, …. */
  static final class KindConverter implements ITypeConverter<ScoreSelector.Kind> {
    @Override
    public ScoreSelector.Kind convert(String value) {
      try {
        return ScoreSelector.Kind.valueOf(value.trim().replace('-', '_').toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' is not a score: expected one of "
            + Arrays.stream(ScoreSelector.Kind.values())
                .map(ScoreSelector.Kind::label)
                .collect(Collectors.joining(", ")));
      }
    }
  }
}
