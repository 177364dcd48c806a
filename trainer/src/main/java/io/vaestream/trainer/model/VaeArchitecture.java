package io.vaestream.trainer.model;

/** The two encoder/decoder designs the trainer can fit. */
public enum VaeArchitecture {
  /** Dense encoder and decoder. */
  MLP,
  /** Strided convolutions in the encoder, transposed convolutions in the decoder. */
  CONV
}
