/**
 * The variational autoencoder: {@link io.vaestream.trainer.model.VaeSpec} describes the
 * architecture once (MLP or convolutional, depth following the image size), {@link
 * io.vaestream.trainer.model.VaeGraph} builds the SameDiff graph from it (encoder to μ and log σ²,
 * z = μ + σ⊙ε, decoder, reconstruction + β·KL loss), and {@link
 * io.vaestream.trainer.model.VaeTrainer} fits it.
 */
package io.vaestream.trainer.model;
