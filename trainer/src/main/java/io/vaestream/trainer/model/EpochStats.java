package io.vaestream.trainer.model;

import java.time.Duration;

/**
 * What one epoch achieved. Losses are per image, averaged over the epoch's batches (with sampled
 * ε); {@code validationLoss} is the negative ELBO at z = μ on held-out images, or NaN without any.
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

  /** −ELBO = reconstruction + KL for β = 1. */
  public double elbo() {
    return -(reconstruction + kl);
  }
}
