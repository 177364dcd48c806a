package io.vaestream.trainer.export;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.export.internal.OnnxGraphBuilder;
import io.vaestream.trainer.model.LayerSpec;
import io.vaestream.trainer.model.LayerSpec.Activation;
import io.vaestream.trainer.model.LayerSpec.Conv;
import io.vaestream.trainer.model.LayerSpec.Deconv;
import io.vaestream.trainer.model.LayerSpec.Dense;
import io.vaestream.trainer.model.LayerSpec.Reshape;
import io.vaestream.trainer.model.VaeGraph;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.model.VaeSpec;
import io.vaestream.trainer.score.ImageFeatures;
import io.vaestream.trainer.score.MapScale;
import io.vaestream.trainer.score.MemoryBank;
import io.vaestream.trainer.score.ReconstructionKind;
import io.vaestream.trainer.score.ScoreDefinition;
import io.vaestream.trainer.score.TransformClassifier;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a trained {@link VaeModel} as a self-scoring ONNX graph (see {@link ModelFormat}). DL4J
 * has no ONNX exporter, so the graph is built node by node from the same {@link VaeSpec} that
 * built the SameDiff graph, with the weights permuted into ONNX's layouts.
 */
public final class OnnxExporter {
  private static final String PRODUCER = "vaestream-trainer";

  private OnnxExporter() {}

  /** Output of the mean squared distance to the nearest training normals in blurred-pixel space. */
  public static final String KNN_PIXELS = "knn_pixels";
  /** Output of the mean squared distance to the nearest training normals in gradient-orientation space. */
  public static final String KNN_GRADIENTS = "knn_gradients";
  /** Output: the anomaly map's peak, when the score uses it. */
  public static final String MAP_PEAK = "map_peak";
  /** The output with the transform classifier's part, where the score has it. */
  public static final String TRANSFORM_NLL = "transform_nll";

  public static ModelProto export(
      VaeModel model, ScoreDefinition score, Map<String, String> metadata, String version) {
    return export(model, score, null, metadata, version);
  }

  /**
   * The self-scoring graph of {@code model} under {@code score}; {@code bank} (required when the
   * score uses it) is stored in the graph as two constant matrices.
   */
  public static ModelProto export(
      VaeModel model,
      ScoreDefinition score,
      MemoryBank bank,
      Map<String, String> metadata,
      String version) {
    return export(model, score, bank, null, metadata, version);
  }

  /**
   * As above, with the anomaly map's residual scaled by {@code mapScale} (null: the map is the
   * plain blurred squared residual, whose mean is the blurred reconstruction error).
   */
  public static ModelProto export(
      VaeModel model,
      ScoreDefinition score,
      MemoryBank bank,
      MapScale mapScale,
      Map<String, String> metadata,
      String version) {
    return export(model, score, bank, mapScale, null, metadata, version);
  }

  /**
   * As above, with the {@code transforms} classifier's part where the score has it; a bank or a
   * classifier the score does not use is left out.
   */
  public static ModelProto export(
      VaeModel model,
      ScoreDefinition score,
      MemoryBank bank,
      MapScale mapScale,
      TransformClassifier transforms,
      Map<String, String> metadata,
      String version) {
    if (score.usesTransforms() && transforms == null) {
      throw new IllegalArgumentException("score " + score.name() + " needs a transform classifier");
    }
    if (score.usesBank() && bank == null) {
      throw new IllegalArgumentException("score " + score.name() + " needs a memory bank");
    }
    VaeSpec spec = model.spec();
    ImageContract contract = spec.contract();
    Map<String, INDArray> params = model.parameters();
    OnnxGraphBuilder g = new OnnxGraphBuilder("vae");

    String x = g.input(ModelFormat.INPUT, contract.shape(-1));
    // A restoring VAE scores every image from each of its turns, stacked along the batch axis:
    // [T·n, c, h, w], the upright images first; each result is then averaged over the T turns.
    int turns = model.config().restoration().transforms();
    String in = turns == 1 ? x : TurnsGraph.turned(g, x);
    String h = layers(g, spec.encoder(), in, params);
    String means = layer(g, spec.meanHead(), h, params);
    String logVars = layer(g, spec.logVarHead(), h, params);
    // Scoring is deterministic: decoded at z = μ and at the model's fixed posterior draws, stacked
    // again: [D·T·n, …], z = μ first; the decoded results are averaged over all D·T versions.
    float[][] noise = model.posteriorNoise();
    int versions = turns * noise.length;
    String logits =
        layers(g, spec.decoder(), TurnsGraph.posteriorDraws(g, means, logVars, noise), params);
    String target = TurnsGraph.repeated(g, "targets", x, versions);
    String reconstructions = g.op("Sigmoid", "sigmoid", logits);
    long[] image = {contract.channels(), contract.height(), contract.width()};
    String recon = TurnsGraph.upright(g, "reconstruction", reconstructions, versions, image);
    String mean = TurnsGraph.upright(g, "z_mean", means, turns, spec.latentDim());
    String logVar = TurnsGraph.upright(g, "z_log_var", logVars, turns, spec.latentDim());

    String diff = g.op("Sub", "diff", target, reconstructions);
    // blur(x − x̂)²: the blurred reconstruction error's terms, and the plain anomaly map
    String blurredSquare = null;
    if (score.reconstruction() == ReconstructionKind.BLURRED_MSE || mapScale == null) {
      String blurredDiff = ScoreGraph.blur(g, diff, contract);
      blurredSquare = g.op("Mul", "blurred_sq", blurredDiff, blurredDiff);
    }
    String mapSquare;
    if (mapScale == null) {
      mapSquare = TurnsGraph.meanOverTurns(g, "blurred_sq", blurredSquare, versions, image);
    } else {
      // blur(s_r ⊙ (x − x̂))² + blur(s_x ⊙ (x − μ))²: the residual and the deviation from the mean
      // normal
      String r = ScoreGraph.blur(
          g,
          g.op(
              "Mul",
              "residual_scaled",
              diff,
              g.floats("residual_scale", mapScale.inverse(), contract.shape(1))),
          contract);
      String t = ScoreGraph.blur(
          g,
          g.op(
              "Mul",
              "deviation_scaled",
              g.op(
                  "Sub",
                  "deviation",
                  x,
                  g.floats("normal_mean", mapScale.mean(), contract.shape(1))),
              g.floats("deviation_scale", mapScale.inverseSpread(), contract.shape(1))),
          contract);
      mapSquare = g.op(
          "Add",
          "map_terms",
          TurnsGraph.meanOverTurns(
              g, "residual_sq", g.op("Mul", "residual_sq", r, r), versions, image),
          g.op("Mul", "deviation_sq", t, t));
    }
    // the anomaly map: averaged over the channels
    String map =
        g.op("ReduceMean", "map", Map.of("keepdims", 1L, "axes", new long[] {1}), mapSquare);
    String reconError;
    if (score.reconstruction() == ReconstructionKind.BCE) {
      // softplus(l) − x·l, summed over the image
      String perPixel = g.op(
          "Sub",
          "bce_pixel",
          g.op("Softplus", "softplus", logits),
          g.op("Mul", "x_logits", target, logits));
      reconError =
          g.op("ReduceSum", "bce", Map.of("keepdims", 0L), perPixel, g.longs("axes_chw", 1, 2, 3));
    } else {
      String squares = score.reconstruction() == ReconstructionKind.BLURRED_MSE
          ? blurredSquare
          : g.op("Mul", "sq", diff, diff);
      reconError =
          g.op("ReduceMean", "mse", Map.of("keepdims", 0L, "axes", new long[] {1, 2, 3}), squares);
    }
    reconError = TurnsGraph.meanOverTurns(g, "reconstruction_error", reconError, versions);
    String kl = TurnsGraph.meanOverTurns(g, "kl", kl(g, means, logVars), turns);
    String[] knn = null;
    Map<ScoreDefinition.Part, String> parts = new EnumMap<>(ScoreDefinition.Part.class);
    parts.put(ScoreDefinition.Part.RECONSTRUCTION, reconError);
    parts.put(ScoreDefinition.Part.KL, kl);
    if (score.usesBank()) {
      ImageFeatures features = bank.features();
      knn = ScoreGraph.nearestNeighbours(
          g,
          ScoreGraph.pixelFeatures(g, x, features),
          ScoreGraph.orientationFeatures(g, x, features),
          bank);
      parts.put(ScoreDefinition.Part.KNN_PIXELS, knn[0]);
      parts.put(ScoreDefinition.Part.KNN_GRADIENTS, knn[1]);
    }
    // ONNX Runtime runs every node whatever the outputs asked for: only what the score uses.
    String mapPeak = null;
    if (score.usesMapPeak()) {
      mapPeak = g.op(
          "ReduceMax", "map_peak_value", Map.of("keepdims", 0L, "axes", new long[] {1, 2, 3}), map);
      parts.put(ScoreDefinition.Part.MAP_PEAK, mapPeak);
    }
    String transformNll = null;
    if (score.usesTransforms()) {
      transformNll = TransformGraph.transformNll(g, x, transforms);
      parts.put(ScoreDefinition.Part.TRANSFORMS, transformNll);
    }
    String scoreValue = ScoreGraph.score(g, score, parts);

    g.output(recon, ModelFormat.RECONSTRUCTION, contract.shape(-1));
    g.output(mean, ModelFormat.Z_MEAN, -1, spec.latentDim());
    g.output(logVar, ModelFormat.Z_LOG_VAR, -1, spec.latentDim());
    g.output(reconError, ModelFormat.RECONSTRUCTION_ERROR, -1);
    g.output(kl, ModelFormat.KL, -1);
    g.output(scoreValue, ModelFormat.SCORE, -1);
    g.output(map, ModelFormat.ANOMALY_MAP, -1, 1, contract.height(), contract.width());
    if (knn != null) {
      g.output(knn[0], KNN_PIXELS, -1);
      g.output(knn[1], KNN_GRADIENTS, -1);
    }
    if (mapPeak != null) {
      g.output(mapPeak, MAP_PEAK, -1);
    }
    if (transformNll != null) {
      g.output(transformNll, TRANSFORM_NLL, -1);
    }
    Map<String, String> props = scoreMetadata(
        contract,
        score,
        score.usesBank() ? bank : null,
        mapScale,
        transformNll != null ? transforms : null,
        noise.length);
    props.put(ModelFormat.LATENT_DIM, Integer.toString(spec.latentDim()));
    props.put(
        ModelFormat.ARCHITECTURE, model.config().architecture().name().toLowerCase(Locale.ROOT));
    props.putAll(metadata);
    return g.build(
        PRODUCER, version, "Variational autoencoder anomaly scorer. " + score.formula(), props);
  }

  /** KL(q(z|x) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − exp(log σ²)), one value per row. */
  private static String kl(OnnxGraphBuilder g, String means, String logVars) {
    String inner = g.op(
        "Sub",
        "kl_inner",
        g.op(
            "Sub",
            "kl_a",
            g.op("Add", "kl_b", logVars, g.scalar("one", 1f)),
            g.op("Mul", "mu2", means, means)),
        g.op("Exp", "var", logVars));
    return g.op(
        "Mul",
        "kl_scaled",
        g.op("ReduceSum", "kl_sum", Map.of("keepdims", 0L), inner, g.longs("axes_latent", 1)),
        g.scalar("minus_half", -0.5f));
  }

  /**
   * What the metadata says of the score, its bank and classifier (those it uses), the latent points
   * its VAE error is averaged over, and the map.
   */
  private static Map<String, String> scoreMetadata(
      ImageContract contract,
      ScoreDefinition score,
      MemoryBank bank,
      MapScale mapScale,
      TransformClassifier transforms,
      int draws) {
    Map<String, String> props = new LinkedHashMap<>(contract.toMetadata());
    props.put(ModelFormat.SCORE_NAME, score.name());
    props.put(ModelFormat.SCORE_DEFINITION, score.formula());
    props.put(
        ModelFormat.SCORE_RECONSTRUCTION, score.reconstruction().name().toLowerCase(Locale.ROOT));
    props.put(
        ModelFormat.SCORE_RECONSTRUCTION_WEIGHT, Double.toString(score.reconstructionWeight()));
    props.put(ModelFormat.SCORE_KL_WEIGHT, Double.toString(score.klWeight()));
    props.put(ModelFormat.SCORE_POSTERIOR_DRAWS, Integer.toString(draws));
    if (bank != null) {
      props.put(
          ModelFormat.SCORE_MEMORY_BANK,
          String.format(
              Locale.ROOT,
              "{\"images\":%d,\"k\":%d,\"pixel_features\":%d,\"gradient_features\":%d,"
                  + "\"unit_length\":%b}",
              bank.size(),
              bank.k(),
              bank.features().pixelFeatureSize(),
              bank.features().orientationFeatureSize(),
              bank.features().shapeOnly()));
    }
    if (transforms != null) {
      props.put(ModelFormat.SCORE_TRANSFORM_CLASSIFIER, transforms.describe());
    }
    String map = mapScale == null
        ? "mean over channels of blur(x - reconstruction)^2"
        : "mean over channels of blur((x - reconstruction) / sigma_r)^2 + blur((x - mu) / sigma_x)^2; "
            + "sigma_r: the residual's spread per pixel and channel on training normals, "
            + "mu and sigma_x: their mean and spread";
    String averaged = draws == 1
        ? ""
        : "; averaged over the reconstructions at z = mu and at " + (draws - 1)
            + " fixed draws z = mu + sigma * eps from the encoder's posterior";
    props.put(ModelFormat.MAP_DEFINITION, map + averaged);
    return props;
  }

  /**
   * The raw-pixel kNN baseline (mean squared L2 distance to the {@code k} nearest of {@code bank}'s
   * images) as a model that {@link OnnxModelRunner} runs: for evaluation reports.
   */
  public static byte[] rawKnnBaseline(ImageDataset bank, int k) {
    return ScoreGraph.rawKnn(bank.contract(), bank.pixels(), bank.size(), k).toByteArray();
  }

  private static String layers(
      OnnxGraphBuilder g, List<LayerSpec> layers, String in, Map<String, INDArray> p) {
    String h = in;
    for (LayerSpec l : layers) {
      h = layer(g, l, h, p);
    }
    return h;
  }

  private static String layer(
      OnnxGraphBuilder g, LayerSpec layer, String in, Map<String, INDArray> p) {
    if (layer instanceof Reshape r) {
      long[] shape = new long[r.dims().length + 1];
      shape[0] = -1;
      System.arraycopy(r.dims(), 0, shape, 1, r.dims().length);
      return g.op("Reshape", "reshape", in, g.longs("shape", shape));
    }
    INDArray w = p.get(VaeGraph.weight(layer.name()));
    INDArray b = p.get(VaeGraph.bias(layer.name()));
    String out;
    Activation act;
    if (layer instanceof Dense d) {
      String wName = g.floats(d.name() + "_W", values(w), w.shape());
      out = g.op("Gemm", d.name(), in, wName, g.floats(d.name() + "_b", values(b), b.length()));
      act = d.activation();
    } else if (layer instanceof Conv c) {
      out = convolution(g, "Conv", c.name(), c.kernel(), c.stride(), c.pad(), in, w, b);
      act = c.activation();
    } else {
      Deconv c = (Deconv) layer;
      out = convolution(g, "ConvTranspose", c.name(), c.kernel(), c.stride(), c.pad(), in, w, b);
      act = c.activation();
    }
    return act == Activation.RELU ? g.op("Relu", layer.name() + "_relu", out) : out;
  }

  /**
   * A Conv or ConvTranspose node. SameDiff holds a convolution's weights as [k, k, in, out] and
   * libnd4j a transposed one's as [k, k, out, in]; ONNX wants [out, in, k, k] and [in, out, k, k]:
   * the same permutation serves both.
   */
  private static String convolution(
      OnnxGraphBuilder g,
      String opType,
      String name,
      int kernel,
      int stride,
      int pad,
      String in,
      INDArray w,
      INDArray b) {
    INDArray weights = w.permute(3, 2, 0, 1).dup('c');
    return g.op(
        opType,
        name,
        convAttributes(kernel, stride, pad),
        in,
        g.floats(name + "_W", values(weights), weights.shape()),
        g.floats(name + "_b", values(b), b.length()));
  }

  private static Map<String, Object> convAttributes(int kernel, int stride, int pad) {
    return Map.of(
        "kernel_shape", new long[] {kernel, kernel},
        "strides", new long[] {stride, stride},
        "pads", new long[] {pad, pad, pad, pad},
        "dilations", new long[] {1, 1});
  }

  private static float[] values(INDArray a) {
    return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
  }
}
