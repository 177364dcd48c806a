package io.vaestream.trainer.model;

import java.time.Duration;
import java.util.Locale;

/**
 * What one epoch achieved. Losses are per image, averaged over the epoch's batches (with sampled
 * ε); {@code validationLoss} is the negative ELBO on held-out images, its reconstruction term
 * averaged over the latent points the model scores at (z = μ and its posterior draws), or NaN
 * without any.
 */
public record EpochStats(
    int epoch,
    int epochs,
    double loss,
    double reconstruction,
    double kl,
    double validationLoss,
    double examplesPerSecond,
    Duration eta) {

  /** One progress line: ELBO and its terms, validation loss, throughput and time left. */
  public String summary() {
    long left = eta.toSeconds();
    return String.format(
        Locale.ROOT,
        "epoch %3d/%d  ELBO %9.2f  recon %9.2f  KL %7.2f  val -ELBO %9.2f  %7.0f img/s  ETA %d:%02d",
        epoch,
        epochs,
        elbo(),
        reconstruction,
        kl,
        validationLoss,
        examplesPerSecond,
        left / 60,
        left % 60);
  }

  /** −ELBO = reconstruction + KL for β = 1. */
  public double elbo() {
    return -(reconstruction + kl);
  }
}
