package io.vaestream.trainer.model;

/**
 * One step of the encoder or decoder. The SameDiff graph used for training and the ONNX graph
 * written for serving are both built by walking the same list of these, so they cannot drift.
 */
public sealed interface LayerSpec {

  /** The layer's name, which prefixes its weight variables; {@code null} for weightless steps. */
  String name();

  /** What follows a layer's affine part. */
  enum Activation {
    NONE,
    RELU
  }

  /** {@code y = act(x · W + b)}, W of shape [in, out]. */
  record Dense(String name, int in, int out, Activation activation) implements LayerSpec {}

  /**
   * 2-D convolution, NCHW, symmetric padding. Weights are held as [k, k, in, out] (YXIO): libnd4j's
   * conv2d backward pass in 1.0.0-M2.1 fails on the OIYX layout ONNX uses, so export permutes.
   */
  record Conv(String name, int in, int out, int kernel, int stride, int pad, Activation activation)
      implements LayerSpec {}

  /**
   * 2-D transposed convolution, NCHW. Output side is {@code stride·(side−1) + kernel − 2·pad}.
   * Weights are held as [k, k, out, in], the layout libnd4j's deconv2d expects.
   */
  record Deconv(
      String name, int in, int out, int kernel, int stride, int pad, Activation activation)
      implements LayerSpec {}

  /** Reshape to {@code [batch, dims...]}, batch kept dynamic. */
  record Reshape(long... dims) implements LayerSpec {
    @Override
    public String name() {
      return null;
    }
  }
}
