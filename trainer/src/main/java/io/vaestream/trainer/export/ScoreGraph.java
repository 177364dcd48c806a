package io.vaestream.trainer.export;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.export.internal.OnnxGraphBuilder;
import io.vaestream.trainer.score.ImageFeatures;
import io.vaestream.trainer.score.MemoryBank;
import io.vaestream.trainer.score.ScoreDefinition;
import io.vaestream.trainer.score.ScoreDefinition.Part;
import io.vaestream.trainer.score.ScoreDefinition.Term;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The label-free score's image filters and nearest-neighbour search as ONNX nodes: the graph
 * counterpart of {@link ImageFeatures} and {@link MemoryBank}, checked against them by the parity
 * gate.
 */
final class ScoreGraph {
  private ScoreGraph() {}

  /**
   * The largest side blurred by matrix products. A band-matrix pass takes {@code side}
   * multiply-adds a pixel where a 1-D Conv takes 5, so the products lose as images grow: the two
   * ways cost the same at 64 × 64 colour and the Convs win at 128 (scripts/BlurCost.java).
   */
  static final int BAND_MATRIX_SIDE = 64;

  /**
   * {@code in} ({@code [n, c, h, w]}) blurred channel by channel with {@link ImageFeatures}'
   * Gaussian, zero padded. The kernel is separable, so the blur is one pass along each row and one
   * down each column. Up to {@value #BAND_MATRIX_SIDE} pixels a side each pass is a MatMul with a
   * band matrix, which ONNX Runtime runs on its optimised matrix kernels: 9 µs a 28 × 28 image on
   * the development machine, against 15 for the 5 × 5 Conv it replaces (scripts/BlurCost.java).
   * Larger images take a 1 × 5 and a 5 × 1 depthwise Conv.
   */
  static String blur(OnnxGraphBuilder g, String in, ImageContract contract) {
    float[] weights = ImageFeatures.gaussianWeights();
    int h = contract.height();
    int w = contract.width();
    if (Math.max(h, w) <= BAND_MATRIX_SIDE) {
      String across = g.floats("blur_band", band(weights, w), w, w);
      String down = h == w ? across : g.floats("blur_band", band(weights, h), h, h);
      return g.op("MatMul", "blur", down, g.op("MatMul", "blur_rows", in, across));
    }
    int c = contract.channels();
    float[] perChannel = new float[c * weights.length];
    for (int ch = 0; ch < c; ch++) {
      System.arraycopy(weights, 0, perChannel, ch * weights.length, weights.length);
    }
    return gaussianPass(
        g, "blur", gaussianPass(g, "blur_rows", in, perChannel, c, false), perChannel, c, true);
  }

  /**
   * One pass of the separable blur as a depthwise Conv, zero padded: down each column where {@code
   * vertical}, else along each row.
   */
  private static String gaussianPass(
      OnnxGraphBuilder g, String prefix, String in, float[] perChannel, int c, boolean vertical) {
    long n = perChannel.length / c;
    long r = ImageFeatures.RADIUS;
    long[] kernel = vertical ? new long[] {n, 1} : new long[] {1, n};
    long[] pads = vertical ? new long[] {r, 0, r, 0} : new long[] {0, r, 0, r};
    return g.op(
        "Conv",
        prefix,
        Map.of("group", (long) c, "kernel_shape", kernel, "pads", pads),
        in,
        g.floats(prefix + "_gaussian", perChannel, c, 1, kernel[0], kernel[1]));
  }

  /**
   * The {@code side × side} matrix that blurs a row from the right ({@code x · B}) or a column
   * from the left ({@code B · x}): the symmetric {@code weights} along its diagonal band, cut at the
   * edges as zero padding cuts the kernel.
   */
  private static float[] band(float[] weights, int side) {
    int r = weights.length / 2;
    float[] b = new float[side * side];
    for (int i = 0; i < side; i++) {
      for (int j = Math.max(0, i - r); j <= Math.min(side - 1, i + r); j++) {
        b[i * side + j] = weights[j - i + r];
      }
    }
    return b;
  }

  /**
   * Blurred, average-pooled pixels of {@code x}, {@code [n, pixelFeatureSize]} (unit length where
   * {@link ImageFeatures#shapeOnly()}).
   */
  static String pixelFeatures(OnnxGraphBuilder g, String x, ImageFeatures f) {
    long p = f.pool();
    String pooled = g.op(
        "AveragePool",
        "pixel_pool",
        Map.of("kernel_shape", new long[] {p, p}, "strides", new long[] {p, p}),
        blur(g, x, f.contract()));
    return scaled(
        g,
        f,
        g.op(
            "Reshape", "pixel_features", pooled, g.longs("pixel_shape", -1, f.pixelFeatureSize())));
  }

  /**
   * Gradient-orientation features of {@code x}, {@code [n,
   * orientationFeatureSize]}: grey, one Conv with the {@value ImageFeatures#ORIENTATIONS} oriented
   * kernels, ReLU, cell averages (unit length where {@link ImageFeatures#shapeOnly()}).
   */
  static String orientationFeatures(OnnxGraphBuilder g, String x, ImageFeatures f) {
    String grey = g.op("ReduceMean", "grey", Map.of("keepdims", 1L, "axes", new long[] {1}), x);
    int o = ImageFeatures.ORIENTATIONS;
    String gradients = g.op(
        "Relu",
        "gradients_relu",
        g.op(
            "Conv",
            "gradients",
            Map.of("kernel_shape", new long[] {3, 3}, "pads", new long[] {1, 1, 1, 1}),
            grey,
            g.floats("orientations", ImageFeatures.orientationKernels(), o, 1, 3, 3)));
    long c = f.cell();
    String cells = g.op(
        "AveragePool",
        "gradient_cells",
        Map.of("kernel_shape", new long[] {c, c}, "strides", new long[] {c, c}),
        gradients);
    return scaled(
        g,
        f,
        g.op(
            "Reshape",
            "gradient_features",
            cells,
            g.longs("gradient_shape", -1, f.orientationFeatureSize())));
  }

  /**
   * {@code v} ({@code [n, d]}) with each row divided by its length (at least {@link
   * ImageFeatures#MIN_NORM}) where {@link ImageFeatures#shapeOnly()}; else {@code v} itself, so
   * that the default graph has no node more.
   */
  private static String scaled(OnnxGraphBuilder g, ImageFeatures f, String v) {
    if (!f.shapeOnly()) {
      return v;
    }
    String norm = g.op("ReduceL2", v + "_norm", Map.of("keepdims", 1L, "axes", new long[] {1}), v);
    return g.op(
        "Div",
        v + "_unit",
        v,
        g.op("Max", v + "_norm_floor", norm, g.scalar(v + "_min_norm", ImageFeatures.MIN_NORM)));
  }

  /**
   * The two distances to the bank, {@code [0]} in blurred-pixel space from {@code pixels}, {@code
   * [1]} in gradient-orientation space from {@code orientations}, each {@code [n]}.
   */
  static String[] nearestNeighbours(
      OnnxGraphBuilder g, String pixels, String orientations, MemoryBank bank) {
    ImageFeatures f = bank.features();
    return new String[] {
      knn(g, "knn_pixels", pixels, bank.pixelBank(), bank.size(), f.pixelFeatureSize(), bank.k()),
      knn(
          g,
          "knn_gradients",
          orientations,
          bank.orientationBank(),
          bank.size(),
          f.orientationFeatureSize(),
          bank.k())
    };
  }

  /**
   * The score from the nodes of its {@code parts}: each term {@code weight · part − offset}, then
   * their sum or their smooth maximum, {@code m + log Σ exp(term − m)} with {@code m} the largest
   * term (so that no exponential overflows float32).
   */
  static String score(OnnxGraphBuilder g, ScoreDefinition score, Map<Part, String> parts) {
    List<String> terms = new ArrayList<>();
    for (Term t : score.terms()) {
      String name = "score_" + t.part().label();
      String v =
          g.op("Mul", name, parts.get(t.part()), g.scalar(name + "_weight", (float) t.weight()));
      if (t.offset() != 0) {
        v = g.op("Sub", name + "_centred", v, g.scalar(name + "_offset", (float) t.offset()));
      }
      terms.add(v);
    }
    if (score.fusion() == ScoreDefinition.Fusion.SUM) {
      String sum = terms.get(0);
      for (int j = 1; j < terms.size(); j++) {
        sum = g.op("Add", "score_sum_" + j, sum, terms.get(j));
      }
      return sum;
    }
    String[] columns = new String[terms.size()];
    for (int j = 0; j < columns.length; j++) {
      columns[j] =
          g.op("Unsqueeze", "score_column_" + j, terms.get(j), g.longs("score_axis_" + j, 1));
    }
    String stacked = g.op("Concat", "score_terms", Map.of("axis", 1L), columns);
    String max =
        g.op("ReduceMax", "score_max", Map.of("keepdims", 1L, "axes", new long[] {1}), stacked);
    String sumExp = sumExpShifted(g, "score_sum_exp", stacked, max, 1, false);
    return g.op(
        "Add",
        "score_smooth_max",
        g.op("Squeeze", "score_max_flat", max, g.longs("score_squeeze_axes", 1)),
        g.op("Log", "score_log", sumExp));
  }

  /**
   * Σ exp(x − m) along {@code axis}, with {@code m} the maximum along it: the sum inside a
   * log-sum-exp, shifted so that no exponential overflows float32.
   */
  static String sumExpShifted(
      OnnxGraphBuilder g, String name, String x, String m, long axis, boolean keepdims) {
    return g.op(
        "ReduceSum",
        name,
        Map.of("keepdims", keepdims ? 1L : 0L),
        g.op("Exp", name + "_exp", g.op("Sub", name + "_shifted", x, m)),
        g.longs(name + "_axes", axis));
  }

  /**
   * A stand-alone baseline: the mean squared distance of each raw image to its {@code k} nearest
   * among {@code size} bank images, as output {@code score}.
   */
  static ModelProto rawKnn(ImageContract contract, float[] bank, int size, int k) {
    OnnxGraphBuilder g = new OnnxGraphBuilder("raw_knn");
    String x = g.input(ModelFormat.INPUT, contract.shape(-1));
    String flat = g.op("Reshape", "flat", x, g.longs("flat_shape", -1, contract.size()));
    g.output(knn(g, "knn_raw", flat, bank, size, contract.size(), k), ModelFormat.SCORE, -1);
    return g.build(
        "vaestream-trainer", "baseline", "raw-pixel kNN baseline", contract.toMetadata());
  }

  /**
   * Mean of the {@code k} smallest squared distances from each row of {@code q} to the {@code size}
   * rows of {@code bank}: |q|² − 2 q·b + |b|², as one matrix product, clipped at 0 against rounding.
   * Query and bank are first centred on the bank's mean (which leaves every distance as it is): in
   * float32 the expansion loses the digits that the norms and the distance share, and centring
   * makes the norms as small as the spread of the data.
   */
  private static String knn(
      OnnxGraphBuilder g, String name, String q, float[] bank, int size, int dim, int k) {
    double[] centre = new double[dim];
    for (int r = 0; r < size; r++) {
      for (int j = 0; j < dim; j++) {
        centre[j] += bank[r * dim + j];
      }
    }
    float[] mean = new float[dim];
    for (int j = 0; j < dim; j++) {
      mean[j] = (float) (centre[j] / size);
    }
    float[] transposed = new float[dim * size];
    float[] norms = new float[size];
    for (int r = 0; r < size; r++) {
      double s = 0;
      for (int j = 0; j < dim; j++) {
        float v = bank[r * dim + j] - mean[j];
        transposed[j * size + r] = v;
        s += (double) v * v;
      }
      norms[r] = (float) s;
    }
    String centred = g.op("Sub", name + "_centred", q, g.floats(name + "_bank_mean", mean, 1, dim));
    String qq = g.op(
        "ReduceSumSquare", name + "_qq", Map.of("keepdims", 1L, "axes", new long[] {1}), centred);
    String qb =
        g.op("MatMul", name + "_qb", centred, g.floats(name + "_bank", transposed, dim, size));
    String d2 = g.op(
        "Add",
        name + "_d2",
        g.op(
            "Sub",
            name + "_qq_qb",
            qq,
            g.op("Mul", name + "_2qb", qb, g.scalar(name + "_two", 2f))),
        g.floats(name + "_bank_norms", norms, 1, size));
    String negative = g.op("Neg", name + "_neg", g.op("Relu", name + "_clip", d2));
    String nearest = g.ops(
            "TopK",
            name + "_topk",
            2,
            Map.of("axis", 1L, "largest", 1L, "sorted", 1L),
            negative,
            g.longs(name + "_k", k))[0];
    return g.op(
        "Neg",
        name,
        g.op(
            "ReduceMean", name + "_mean", Map.of("keepdims", 0L, "axes", new long[] {1}), nearest));
  }
}
