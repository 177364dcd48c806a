package io.vaestream.trainer.export;

import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.score.ScoreDefinition;
import java.util.LinkedHashMap;
import java.util.Map;

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
      maxError.forEach((k, v) -> sb.append(String.format(java.util.Locale.ROOT, " %s=%.2e", k, v)));
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

  /** Compares, and fails unless every output is within {@link #TOLERANCE}. */
  public static Result require(byte[] onnx, VaeModel model, ScoreDefinition score, float[] pixels, int count) {
    return require(onnx, model.forward(pixels, count), score, pixels, count);
  }

  /** As {@link #require(byte[], VaeModel, ScoreDefinition, float[], int)}, against a forward pass already made. */
  public static Result require(byte[] onnx, VaeModel.Forward ref, ScoreDefinition score, float[] pixels, int count) {
    Result r = compare(onnx, ref, score, pixels, count);
    if (!r.passes(TOLERANCE)) {
      throw new ParityException("ONNX export does not match the trainer (tolerance " + TOLERANCE + "): " + r);
    }
    return r;
  }

  public static Result compare(byte[] onnx, VaeModel model, ScoreDefinition score, float[] pixels, int count) {
    return compare(onnx, model.forward(pixels, count), score, pixels, count);
  }

  static Result compare(byte[] onnx, VaeModel.Forward ref, ScoreDefinition score, float[] pixels, int count) {
    double[] refScore = new double[count];
    float[] refRecon = new float[count];
    for (int i = 0; i < count; i++) {
      double rec = score.reconstructionError(ref.bce[i], ref.mse[i]);
      refRecon[i] = (float) rec;
      refScore[i] = score.score(rec, ref.kl[i]);
    }
    Map<String, Double> err = new LinkedHashMap<>();
    Map<String, float[]> out;
    try (OnnxModelRunner runner = OnnxModelRunner.open(onnx)) {
      out = runner.run(pixels, count, ModelFormat.OUTPUTS);
    }
    err.put(ModelFormat.RECONSTRUCTION, maxError(out.get(ModelFormat.RECONSTRUCTION), ref.reconstruction));
    err.put(ModelFormat.Z_MEAN, maxError(out.get(ModelFormat.Z_MEAN), ref.mean));
    err.put(ModelFormat.Z_LOG_VAR, maxError(out.get(ModelFormat.Z_LOG_VAR), ref.logVar));
    err.put(ModelFormat.RECONSTRUCTION_ERROR, maxError(out.get(ModelFormat.RECONSTRUCTION_ERROR), refRecon));
    err.put(ModelFormat.KL, maxError(out.get(ModelFormat.KL), ref.kl));
    float[] s = out.get(ModelFormat.SCORE);
    double worst = 0;
    for (int i = 0; i < count; i++) {
      worst = Math.max(worst, error(s[i], refScore[i]));
    }
    err.put(ModelFormat.SCORE, worst);
    return new Result(err, count);
  }

  private static double maxError(float[] actual, float[] expected) {
    if (actual.length != expected.length) {
      return Double.POSITIVE_INFINITY;
    }
    double worst = 0;
    for (int i = 0; i < actual.length; i++) {
      worst = Math.max(worst, error(actual[i], expected[i]));
    }
    return worst;
  }

  static double error(double actual, double expected) {
    if (Double.isNaN(actual) || Double.isNaN(expected)) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.abs(actual - expected) / Math.max(1.0, Math.abs(expected));
  }
}
