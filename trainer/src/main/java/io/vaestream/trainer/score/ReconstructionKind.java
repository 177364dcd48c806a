package io.vaestream.trainer.score;

/** How the reconstruction term of the score measures error. */
public enum ReconstructionKind {
  /** Binary cross-entropy, summed over pixels: the VAE's own likelihood term. */
  BCE,
  /** Mean squared error over pixels. */
  MSE
}
