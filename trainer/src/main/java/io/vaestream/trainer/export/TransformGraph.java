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
    // logits by transform: [t, n, t]; row k of block k is right
    String logits = g.op("Reshape", "transform_logits", h, g.longs("transform_by_shape", t, -1, t));
    float[] right = new float[t * t];
    float[] others = new float[t * t];
    for (int k = 0; k < t; k++) {
      right[k * t + k] = 1;
      others[k * t + k] = -1e4f;
    }
    String rightLogit = g.op(
        "ReduceSum",
        "transform_right_logit",
        Map.of("keepdims", 1L),
        g.op("Mul", "transform_right_masked", logits, g.floats("transform_right", right, t, 1, t)),
        g.longs("transform_right_axes", 2));
    // −log p = log(1 + Σ_{j≠right} exp(d_j)), d_j = x_j − x_right, without the rounding of a
    // log-softmax near p = 1: with m = max(0, max d_j), m + log(exp(−m) + Σ exp(d_j − m)), and
    // where m = 0 and the sum q is small, log(1 + q) as q − q²/2 + q³/3.
    String d = g.op(
        "Add",
        "transform_others",
        g.op("Sub", "transform_margins", logits, rightLogit),
        g.floats("transform_others_mask", others, t, 1, t));
    String zero = g.scalar("transform_zero", 0f);
    String m = g.op(
        "Max",
        "transform_m",
        g.op("ReduceMax", "transform_dmax", Map.of("keepdims", 1L, "axes", new long[] {2}), d),
        zero);
    String q = ScoreGraph.sumExpShifted(g, "transform_q", d, m, 2, true);
    String log = g.op(
        "Log",
        "transform_log",
        g.op(
            "Add",
            "transform_sum",
            g.op("Exp", "transform_em", g.op("Neg", "transform_neg_m", m)),
            q));
    String q2 = g.op("Mul", "transform_q2", q, q);
    String series = g.op(
        "Add",
        "transform_series",
        g.op(
            "Sub",
            "transform_series_2",
            q,
            g.op("Mul", "transform_q2_half", q2, g.scalar("transform_half", 0.5f))),
        g.op(
            "Mul",
            "transform_q3_third",
            g.op("Mul", "transform_q3", q2, q),
            g.scalar("transform_third", 1f / 3)));
    String small = g.op(
        "And",
        "transform_small",
        g.op("Equal", "transform_m_zero", m, zero),
        g.op("Less", "transform_q_small", q, g.scalar("transform_q_limit", 1e-3f)));
    String nll =
        g.op("Add", "transform_nll_each", m, g.op("Where", "transform_log1p", small, series, log));
    // the mean over the t transforms: [t, n, 1] → [n]
    return g.op(
        "ReduceMean", "transform_nll", Map.of("keepdims", 0L, "axes", new long[] {0, 2}), nll);
  }
}
