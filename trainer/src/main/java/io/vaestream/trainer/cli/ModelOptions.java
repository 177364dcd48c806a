package io.vaestream.trainer.cli;

import io.vaestream.trainer.model.Restoration;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The model and optimiser settings shared by {@code train} and {@code evaluate}. */
final class ModelOptions {
  @Option(
      names = "--arch",
      defaultValue = "conv",
      description = "mlp or conv (default: ${DEFAULT-VALUE}).",
      converter = ArchConverter.class)
  VaeArchitecture architecture;

  @Option(
      names = "--latent-dim",
      defaultValue = "16",
      description = "Size of z (default: ${DEFAULT-VALUE}).")
  int latentDim;

  @Option(
      names = "--beta",
      defaultValue = "1.0",
      description = "Weight of the KL term (default: ${DEFAULT-VALUE}).")
  double beta;

  @Option(names = "--epochs", description = "Training epochs (default: 40 for mlp, 20 for conv).")
  Integer epochs;

  @Option(
      names = "--batch-size",
      defaultValue = "128",
      description = "Images per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--learning-rate",
      defaultValue = "0.001",
      description = "Adam step size (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed for weights, shuffling and noise (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--width",
      description =
          "Hidden width: dense units (MLP, default 512) or first-layer filters (conv, default 32).")
  Integer width;

  @Option(
      names = "--restore",
      defaultValue = "none",
      description = "none, or rotations: train the VAE to restore "
          + "upright images from turned copies and score the mean error over the four turns (square images; default: "
          + "${DEFAULT-VALUE}).",
      converter = RestorationConverter.class)
  Restoration restoration;

  VaeConfig toConfig() {
    VaeConfig defaults = VaeConfig.defaults(architecture);
    return new VaeConfig(
        architecture,
        latentDim,
        beta,
        epochs != null ? epochs : defaults.epochs(),
        batchSize,
        learningRate,
        seed,
        width != null ? width : defaults.width(),
        restoration);
  }

  static final class RestorationConverter
      implements picocli.CommandLine.ITypeConverter<Restoration> {
    @Override
    public Restoration convert(String value) {
      try {
        return Restoration.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not none or rotations");
      }
    }
  }

  static final class ArchConverter implements picocli.CommandLine.ITypeConverter<VaeArchitecture> {
    @Override
    public VaeArchitecture convert(String value) {
      try {
        return VaeArchitecture.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not mlp or conv");
      }
    }
  }
}
