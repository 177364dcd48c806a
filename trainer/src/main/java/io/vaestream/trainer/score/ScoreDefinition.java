package io.vaestream.trainer.score;

import java.util.Locale;
import java.util.Objects;

/**
 * {@code score = reconstructionWeight · reconstruction_error + klWeight · kl}, where the
 * reconstruction error is measured by {@link #reconstruction()}. The exported graph computes
 * exactly this, so the detector needs no scoring code of its own.
 */
public record ScoreDefinition(
    String name, ReconstructionKind reconstruction, double reconstructionWeight, double klWeight) {

  public ScoreDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(reconstruction, "reconstruction");
    if (!Double.isFinite(reconstructionWeight) || !Double.isFinite(klWeight)
        || reconstructionWeight < 0 || klWeight < 0 || reconstructionWeight + klWeight == 0) {
      throw new IllegalArgumentException(
          "score weights must be finite, non-negative and not both zero: "
              + reconstructionWeight + ", " + klWeight);
    }
  }

  /** −ELBO at z = μ with BCE likelihood: the classic VAE anomaly score. */
  public static ScoreDefinition elbo() {
    return new ScoreDefinition("elbo", ReconstructionKind.BCE, 1, 1);
  }

  public double score(double reconstructionError, double kl) {
    return reconstructionWeight * reconstructionError + klWeight * kl;
  }

  /** The reconstruction error of this definition's kind. */
  public double reconstructionError(double bce, double mse) {
    return reconstruction == ReconstructionKind.BCE ? bce : mse;
  }

  /** A human-readable formula, stored in the model's metadata. */
  public String formula() {
    return String.format(
        Locale.ROOT,
        "score = %s * reconstruction_error(%s) + %s * kl",
        reconstructionWeight,
        reconstruction.name().toLowerCase(Locale.ROOT),
        klWeight);
  }
}
