package io.vaestream.trainer.export;

import io.vaestream.trainer.export.internal.OnnxGraphBuilder;
import io.vaestream.trainer.model.Restoration;
import io.vaestream.trainer.model.VaeConfig;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * Versions of each image stacked along the batch axis and brought back to one result per image:
 * the graph's side of restoration training ({@link Restoration}), each image scored in its four
 * turns by 90°, and of posterior draws ({@link VaeConfig#posteriorDraws}), each image decoded at
 * several latent points.
 */
final class TurnsGraph {
  private TurnsGraph() {}

  /**
   * {@code x} and its three turns by 90° ({@link Restoration#rotate}), stacked: {@code [4n, c, s,
   * s]}. One turn is a transpose of the last two axes, then a flip of the rows.
   */
  static String turned(OnnxGraphBuilder g, String x) {
    String transposed = g.op("Transpose", "transposed", Map.of("perm", new long[] {0, 1, 3, 2}), x);
    String turn1 = flip(g, "turn1", transposed, 2);
    String turn2 = flip(g, "turn2", flip(g, "turn2_rows", x, 2), 3);
    String turn3 = flip(g, "turn3", transposed, 3);
    return g.op("Concat", "turns", Map.of("axis", 0L), x, turn1, turn2, turn3);
  }

  /**
   * The latent points each image is decoded at, stacked: μ, then μ + σ ⊙ ε<sub>k</sub> for each
   * fixed ε<sub>k</sub> of {@code noise} after the first (which is zeros), σ = exp(½ log σ²) as in
   * training: {@code [m, latent]} → {@code [D·m, latent]}.
   */
  static String posteriorDraws(OnnxGraphBuilder g, String means, String logVars, float[][] noise) {
    if (noise.length == 1) {
      return means;
    }
    String sigma =
        g.op("Exp", "sigma", g.op("Mul", "half_log_var", logVars, g.scalar("half", 0.5f)));
    String[] points = new String[noise.length];
    points[0] = means;
    for (int k = 1; k < noise.length; k++) {
      String eps = g.floats("eps", noise[k], 1, noise[k].length);
      points[k] = g.op("Add", "z_draw", means, g.op("Mul", "sigma_eps", sigma, eps));
    }
    return g.op("Concat", "z_draws", Map.of("axis", 0L), points);
  }

  /** {@code x} stacked {@code times} times along the batch axis. */
  static String repeated(OnnxGraphBuilder g, String name, String x, int times) {
    if (times == 1) {
      return x;
    }
    String[] copies = new String[times];
    Arrays.fill(copies, x);
    return g.op("Concat", name, Map.of("axis", 0L), copies);
  }

  /** {@code x} reversed along {@code axis}: a Slice with step −1. */
  static String flip(OnnxGraphBuilder g, String name, String x, long axis) {
    return g.op(
        "Slice",
        name,
        x,
        g.longs(name + "_starts", -1),
        g.longs(name + "_ends", Long.MIN_VALUE),
        g.longs(name + "_axes", axis),
        g.longs(name + "_steps", -1));
  }

  /**
   * The mean over the {@code turns} stacked versions of {@code value} ({@code [turns·n, rest…]} →
   * {@code [n, rest…]}).
   */
  static String meanOverTurns(
      OnnxGraphBuilder g, String name, String value, int turns, long... rest) {
    if (turns == 1) {
      return value;
    }
    return g.op(
        "ReduceMean",
        name + "_over_turns",
        Map.of("keepdims", 0L, "axes", new long[] {0}),
        byTurn(g, name, value, turns, rest));
  }

  /** The upright images' part of {@code value} ({@code [turns·n, rest…]} → {@code [n, rest…]}). */
  static String upright(OnnxGraphBuilder g, String name, String value, int turns, long... rest) {
    if (turns == 1) {
      return value;
    }
    String first = g.op(
        "Slice",
        name + "_upright",
        byTurn(g, name, value, turns, rest),
        g.longs(name + "_start", 0),
        g.longs(name + "_end", 1),
        g.longs(name + "_axis", 0));
    return g.op(
        "Reshape",
        name + "_upright_flat",
        first,
        g.longs(name + "_upright_shape", prefixed(rest, -1)));
  }

  /** {@code value} ({@code [turns·n, rest…]}) as {@code [turns, n, rest…]}. */
  private static String byTurn(
      OnnxGraphBuilder g, String name, String value, int turns, long... rest) {
    return g.op(
        "Reshape",
        name + "_by_turn",
        value,
        g.longs(name + "_turn_shape", prefixed(rest, turns, -1)));
  }

  /** {@code head} followed by {@code rest}. */
  private static long[] prefixed(long[] rest, long... head) {
    return LongStream.concat(LongStream.of(head), LongStream.of(rest)).toArray();
  }
}
