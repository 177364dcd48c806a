package io.vaestream.trainer.export;

import io.vaestream.trainer.export.internal.OnnxGraphBuilder;
import io.vaestream.trainer.score.TransformClassifier;
import java.util.Map;

/**
 * The graph's side of {@link TransformClassifier}: the grey thumbnail, its {@value
 * TransformClassifier#TRANSFORMS} transforms stacked along the batch axis, the network, and the
 * mean −log p of the right transform per image; checked against the trainer by the parity gate.
 */
final class TransformGraph {
  private TransformGraph() {}

  /** The transform classifier's part of {@code x} ({@code [n, c, s, s]}): {@code [n]}. */
  static String transformNll(OnnxGraphBuilder g, String x, TransformClassifier tc) {
    String thumb = x;
    if (tc.contract().channels() > 1) {
      thumb =
          g.op("ReduceMean", "thumb_grey", Map.of("keepdims", 1L, "axes", new long[] {1}), thumb);
    }
    long p = tc.pool();
    if (p > 1) {
      thumb = g.op(
          "AveragePool",
          "thumb_pool",
          Map.of("kernel_shape", new long[] {p, p}, "strides", new long[] {p, p}),
          thumb);
    }
    // [x, 3 turns], then each mirrored: transform t of TransformClassifier#transform at block t
    String turns = TurnsGraph.turned(g, thumb);
    String all = g.op(
        "Concat",
        "transforms",
        Map.of("axis", 0L),
        turns,
        TurnsGraph.flip(g, "mirrored", turns, 3));
    long side = tc.side();
    String h =
        g.op("Reshape", "transforms_flat", all, g.longs("transforms_shape", -1, side * side));
    int layers = tc.weights().length;
    for (int l = 0; l < layers; l++) {
      String name = "transform_layer" + l;
      h = g.op(
          "Add",
          name,
          g.op(
              "MatMul",
              name + "_mm",
              h,
              g.floats(name + "_w", tc.weights()[l], tc.widths()[l], tc.widths()[l + 1])),
          g.floats(name + "_b", tc.biases()[l], tc.widths()[l + 1]));
      if (l + 1 < layers) {
        h = g.op("Relu", name + "_relu", h);
      }
    }
    int t = TransformClassifier.TRANSFORMS;
    String logp = g.op("LogSoftmax", "transform_logp", Map.of("axis", 1L), h);
    String byTransform =
        g.op("Reshape", "transform_logp_by", logp, g.longs("transform_by_shape", t, -1, t));
    float[] right = new float[t * t];
    for (int k = 0; k < t; k++) {
      right[k * t + k] = 1;
    }
    String picked = g.op(
        "ReduceSum",
        "transform_logp_right",
        Map.of("keepdims", 0L),
        g.op(
            "Mul",
            "transform_logp_masked",
            byTransform,
            g.floats("transform_right", right, t, 1, t)),
        g.longs("transform_sum_axes", 0, 2));
    return g.op("Mul", "transform_nll", picked, g.scalar("transform_minus_mean", -1f / t));
  }
}
