package io.vaestream.trainer.cli;

import io.vaestream.trainer.model.Restoration;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

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
      description = "Weight of the KL term (default: 0.25 for mlp, 1 for conv).")
  Double beta;

  @Option(names = "--epochs", description = "Training epochs (default: 40 for mlp, 20 for conv).")
  Integer epochs;

  @Option(
      names = "--batch-size",
      description =
          "Images per step (default: chosen from the image size, about 2^19 pixels a batch, "
              + "at most 128: 128 for 28x28 and 64x64, 32 for 128x128, 8 for 256x256).")
  Integer batchSize;

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

  @Option(
      names = "--posterior-draws",
      description = "Latent points the VAE's reconstruction error is averaged over: z = mu and "
          + "N-1 fixed draws from the encoder's posterior, one decoder pass each; 1 scores at z = mu "
          + "only, the fastest (default: 4 for mlp, 1 for conv).")
  Integer posteriorDraws;

  VaeConfig toConfig() {
    VaeConfig defaults = VaeConfig.defaults(architecture);
    VaeConfig config = new VaeConfig(
        architecture,
        latentDim,
        beta != null ? beta : defaults.beta(),
        epochs != null ? epochs : defaults.epochs(),
        batchSize != null ? batchSize : defaults.batchSize(),
        learningRate,
        seed,
        width != null ? width : defaults.width(),
        restoration,
        defaults.posteriorDraws());
    return posteriorDraws == null ? config : config.withPosteriorDraws(posteriorDraws);
  }

  /** A lower-case option value as an enum constant, or an error that names the choices. */
  abstract static class LowerCaseEnum<E extends Enum<E>> implements ITypeConverter<E> {
    private final Class<E> type;
    private final String choices;

    LowerCaseEnum(Class<E> type, String choices) {
      this.type = type;
      this.choices = choices;
    }

    @Override
    public E convert(String value) {
      try {
        return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' is not " + choices);
      }
    }
  }

  static final class RestorationConverter extends LowerCaseEnum<Restoration> {
    RestorationConverter() {
      super(Restoration.class, "none or rotations");
    }
  }

  static final class ArchConverter extends LowerCaseEnum<VaeArchitecture> {
    ArchConverter() {
      super(VaeArchitecture.class, "mlp or conv");
    }
  }
}
