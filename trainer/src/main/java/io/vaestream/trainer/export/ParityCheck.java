package io.vaestream.trainer.export;

import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.score.ImageFeatures;
import io.vaestream.trainer.score.MapScale;
import io.vaestream.trainer.score.ScoreDefinition;
import io.vaestream.trainer.score.ScoreParts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Runs an exported model in ONNX Runtime (CPU) and compares every output with the trainer's own
 * SameDiff forward pass. The error of a value is {@code |onnx − java| / max(1, |java|)}: relative
 * for values above one, absolute below, so that pixels near zero do not inflate it.
 */
public final class ParityCheck {
  /** The largest error export accepts on any output. */
  public static final double TOLERANCE = 1e-4;

  private ParityCheck() {}

  /** The worst error seen on each output, over {@code images} images. */
  public record Result(Map<String, Double> maxError, int images) {
    public double worst() {
      return maxError.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    public boolean passes(double tolerance) {
      return worst() <= tolerance;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("parity over " + images + " images:");
      maxError.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s=%.2e", k, v)));
      return sb.toString();
    }
  }

  /** Thrown by {@link #require} when the exported graph does not reproduce the trainer. */
  public static final class ParityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ParityException(String message) {
      super(message);
    }
  }

  /**
   * What the trainer computed for the images a check runs on: its forward pass, the score's parts
   * and the score, and the anomaly map's scale (null: the map is the plain blurred residual).
   */
  public record Reference(
      ImageContract contract,
      VaeModel.Forward forward,
      ScoreParts parts,
      ScoreDefinition score,
      MapScale mapScale) {
    /** The reference of a score without a memory bank, computed here. */
    public static Reference of(VaeModel model, ScoreDefinition score, float[] pixels, int count) {
      VaeModel.Forward f = model.forward(pixels, count);
      ScoreParts parts = ScoreParts.of(model.contract(), f, pixels, count, null);
      return new Reference(model.contract(), f, parts, score, null);
    }
  }

  /** Compares, and fails unless every output is within {@link #TOLERANCE}; for scores without a memory bank. */
  public static Result require(
      byte[] onnx, VaeModel model, ScoreDefinition score, float[] pixels, int count) {
    return require(onnx, Reference.of(model, score, pixels, count), pixels, count);
  }

  /** As above, against what the trainer already computed for these images. */
  public static Result require(byte[] onnx, Reference ref, float[] pixels, int count) {
    Result r = compare(onnx, ref, pixels, count);
    if (!r.passes(TOLERANCE)) {
      throw new ParityException(
          "ONNX export does not match the trainer (tolerance " + TOLERANCE + "): " + r);
    }
    return r;
  }

  public static Result compare(
      byte[] onnx, VaeModel model, ScoreDefinition score, float[] pixels, int count) {
    return compare(onnx, Reference.of(model, score, pixels, count), pixels, count);
  }

  static Result compare(byte[] onnx, Reference ref, float[] pixels, int count) {
    ScoreParts parts = ref.parts();
    ScoreDefinition score = ref.score();
    VaeModel.Forward f = ref.forward();
    double[] refScore = new double[count];
    double[] refRecon = new double[count];
    for (int i = 0; i < count; i++) {
      refRecon[i] = parts.reconstructionError(score.reconstruction(), i);
      refScore[i] = score.score(parts, i);
    }
    List<String> names = new ArrayList<>(ModelFormat.OUTPUTS);
    names.add(ModelFormat.ANOMALY_MAP);
    if (score.usesBank()) {
      names.add(OnnxExporter.KNN_PIXELS);
      names.add(OnnxExporter.KNN_GRADIENTS);
    }
    if (score.usesMapPeak()) {
      names.add(OnnxExporter.MAP_PEAK);
    }
    if (score.usesTransforms()) {
      names.add(OnnxExporter.TRANSFORM_NLL);
    }
    Map<String, Double> err = new LinkedHashMap<>();
    Map<String, float[]> out;
    try (OnnxModelRunner runner = OnnxModelRunner.open(onnx)) {
      out = runner.run(pixels, count, names);
    }
    err.put(
        ModelFormat.RECONSTRUCTION,
        maxError(out.get(ModelFormat.RECONSTRUCTION), f.reconstruction));
    err.put(ModelFormat.Z_MEAN, maxError(out.get(ModelFormat.Z_MEAN), f.mean));
    err.put(ModelFormat.Z_LOG_VAR, maxError(out.get(ModelFormat.Z_LOG_VAR), f.logVar));
    err.put(
        ModelFormat.RECONSTRUCTION_ERROR,
        maxError(out.get(ModelFormat.RECONSTRUCTION_ERROR), refRecon));
    err.put(ModelFormat.KL, maxError(out.get(ModelFormat.KL), f.kl));
    if (score.usesBank()) {
      err.put(
          OnnxExporter.KNN_PIXELS, maxError(out.get(OnnxExporter.KNN_PIXELS), parts.knnPixels()));
      err.put(
          OnnxExporter.KNN_GRADIENTS,
          maxError(out.get(OnnxExporter.KNN_GRADIENTS), parts.knnGradients()));
    }
    if (score.usesMapPeak()) {
      err.put(OnnxExporter.MAP_PEAK, maxError(out.get(OnnxExporter.MAP_PEAK), parts.mapPeaks()));
    }
    if (score.usesTransforms()) {
      err.put(
          OnnxExporter.TRANSFORM_NLL,
          maxError(out.get(OnnxExporter.TRANSFORM_NLL), parts.transformNll()));
    }
    err.put(ModelFormat.SCORE, maxError(out.get(ModelFormat.SCORE), refScore));
    err.put(
        ModelFormat.ANOMALY_MAP, mapError(out.get(ModelFormat.ANOMALY_MAP), ref, pixels, count));
    return new Result(err, count);
  }

  /** The worst error of the graph's anomaly maps against {@link ImageFeatures#anomalyMap}. */
  private static double mapError(float[] actual, Reference ref, float[] pixels, int count) {
    ImageContract contract = ref.contract();
    int plane = contract.width() * contract.height();
    if (actual == null || actual.length != count * plane) {
      return Double.POSITIVE_INFINITY;
    }
    ImageFeatures features = new ImageFeatures(contract);
    return IntStream.range(0, count)
        .parallel()
        .mapToDouble(i -> {
          float[] expected =
              ScoreParts.anomalyMap(features, pixels, ref.forward(), i, ref.mapScale());
          double worst = 0;
          for (int p = 0; p < plane; p++) {
            worst = Math.max(worst, error(actual[i * plane + p], expected[p]));
          }
          return worst;
        })
        .max()
        .orElse(0);
  }

  private static double maxError(float[] actual, double[] expected) {
    if (actual.length != expected.length) {
      return Double.POSITIVE_INFINITY;
    }
    double worst = 0;
    for (int i = 0; i < actual.length; i++) {
      worst = Math.max(worst, error(actual[i], expected[i]));
    }
    return worst;
  }

  private static double maxError(float[] actual, float[] expected) {
    double[] e = new double[expected.length];
    for (int i = 0; i < e.length; i++) {
      e[i] = expected[i];
    }
    return maxError(actual, e);
  }

  static double error(double actual, double expected) {
    if (Double.isNaN(actual) || Double.isNaN(expected)) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.abs(actual - expected) / Math.max(1.0, Math.abs(expected));
  }
}
