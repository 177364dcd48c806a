package io.vaestream.trainer.score;

import java.util.Locale;
import java.util.Objects;

/**
 * {@code score = reconstructionWeight · reconstruction_error + klWeight · kl + pixelKnnWeight ·
 * knn_pixels + gradientKnnWeight · knn_gradients − offset}, where the reconstruction error is
 * measured by {@link #reconstruction()} and the two kNN terms are distances to a {@link
 * MemoryBank} of training normals. The exported graph computes exactly this, so the detector
 * needs no scoring code of its own. A fused score is a sum of standardised parts: each weight is
 * one over the part's spread on held-out normals, and the offset removes their means.
 */
public record ScoreDefinition(
    String name,
    ReconstructionKind reconstruction,
    double reconstructionWeight,
    double klWeight,
    double pixelKnnWeight,
    double gradientKnnWeight,
    double offset) {

  public ScoreDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(reconstruction, "reconstruction");
    double[] w = {reconstructionWeight, klWeight, pixelKnnWeight, gradientKnnWeight};
    double sum = 0;
    for (double v : w) {
      if (!Double.isFinite(v) || v < 0) {
        throw new IllegalArgumentException(
            "score weights must be finite and non-negative: " + this);
      }
      sum += v;
    }
    if (sum == 0 || !Double.isFinite(offset)) {
      throw new IllegalArgumentException(
          "score weights must not all be zero, and the offset finite: " + this);
    }
  }

  /** A reconstruction and KL score, with no memory bank. */
  public ScoreDefinition(
      String name,
      ReconstructionKind reconstruction,
      double reconstructionWeight,
      double klWeight) {
    this(name, reconstruction, reconstructionWeight, klWeight, 0, 0, 0);
  }

  /** The VAE's own label-free score: the blurred reconstruction error, nothing else. */
  public static ScoreDefinition vae() {
    return new ScoreDefinition("vae", ReconstructionKind.BLURRED_MSE, 1, 0);
  }

  /** −ELBO at z = μ with BCE likelihood: the classic VAE anomaly score. */
  public static ScoreDefinition elbo() {
    return new ScoreDefinition("elbo", ReconstructionKind.BCE, 1, 1);
  }

  /** Whether the score needs the memory bank. */
  public boolean usesBank() {
    return pixelKnnWeight > 0 || gradientKnnWeight > 0;
  }

  /** The score of image {@code i} of {@code p}. */
  public double score(ScoreParts p, int i) {
    double s =
        reconstructionWeight * p.reconstructionError(reconstruction, i) + klWeight * p.kl()[i];
    if (usesBank()) {
      s += pixelKnnWeight * p.knnPixels()[i] + gradientKnnWeight * p.knnGradients()[i];
    }
    return s - offset;
  }

  /** A human-readable formula, stored in the model's metadata. */
  public String formula() {
    StringBuilder f = new StringBuilder(String.format(
        Locale.ROOT,
        "score = %s * reconstruction_error(%s) + %s * kl",
        reconstructionWeight,
        reconstruction.name().toLowerCase(Locale.ROOT),
        klWeight));
    if (usesBank()) {
      f.append(String.format(
          Locale.ROOT,
          " + %s * knn_pixels + %s * knn_gradients",
          pixelKnnWeight,
          gradientKnnWeight));
    }
    if (offset != 0) {
      f.append(String.format(Locale.ROOT, " - %s", offset));
    }
    return f.toString();
  }
}
