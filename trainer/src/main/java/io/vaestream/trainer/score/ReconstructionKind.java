package io.vaestream.trainer.score;

/** How the reconstruction term of the score measures error. */
public enum ReconstructionKind {
  /** Binary cross-entropy, summed over pixels: the VAE's own likelihood term. */
  BCE,
  /** Mean squared error over pixels. */
  MSE,
  /**
   * Mean squared error of the residual after a Gaussian blur of σ = 1 pixel ({@link
   * ImageFeatures}): shape errors stay, the fine texture a VAE always blurs away does not count.
   */
  BLURRED_MSE
}
