package io.vaestream.trainer.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.score.ScoreDefinition;
import java.nio.FloatBuffer;
import java.util.Arrays;
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

  private static final int BATCH = 256;

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
    Result r = compare(onnx, model, score, pixels, count);
    if (!r.passes(TOLERANCE)) {
      throw new ParityException("ONNX export does not match the trainer (tolerance " + TOLERANCE + "): " + r);
    }
    return r;
  }

  public static Result compare(byte[] onnx, VaeModel model, ScoreDefinition score, float[] pixels, int count) {
    VaeModel.Forward ref = model.forward(pixels, count);
    double[] refScore = new double[count];
    float[] refRecon = new float[count];
    for (int i = 0; i < count; i++) {
      double rec = score.reconstructionError(ref.bce[i], ref.mse[i]);
      refRecon[i] = (float) rec;
      refScore[i] = score.score(rec, ref.kl[i]);
    }
    Map<String, Double> err = new LinkedHashMap<>();
    ModelFormat.OUTPUTS.forEach(o -> err.put(o, 0.0));
    int n = model.contract().size();
    int latent = model.spec().latentDim();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(onnx, opts)) {
      for (int start = 0; start < count; start += BATCH) {
        int b = Math.min(BATCH, count - start);
        float[] x = Arrays.copyOfRange(pixels, start * n, (start + b) * n);
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), model.contract().shape(b));
            OrtSession.Result out = session.run(Map.of(ModelFormat.INPUT, in))) {
          track(err, ModelFormat.RECONSTRUCTION, floats(out, ModelFormat.RECONSTRUCTION), ref.reconstruction, start * n);
          track(err, ModelFormat.Z_MEAN, floats(out, ModelFormat.Z_MEAN), ref.mean, start * latent);
          track(err, ModelFormat.Z_LOG_VAR, floats(out, ModelFormat.Z_LOG_VAR), ref.logVar, start * latent);
          track(err, ModelFormat.RECONSTRUCTION_ERROR, floats(out, ModelFormat.RECONSTRUCTION_ERROR), refRecon, start);
          track(err, ModelFormat.KL, floats(out, ModelFormat.KL), ref.kl, start);
          float[] s = floats(out, ModelFormat.SCORE);
          for (int i = 0; i < b; i++) {
            err.merge(ModelFormat.SCORE, error(s[i], refScore[start + i]), Math::max);
          }
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime could not run the exported model: " + e.getMessage(), e);
    }
    return new Result(err, count);
  }

  private static void track(Map<String, Double> err, String name, float[] actual, float[] expected, int offset) {
    double worst = 0;
    for (int i = 0; i < actual.length; i++) {
      worst = Math.max(worst, error(actual[i], expected[offset + i]));
    }
    err.merge(name, worst, Math::max);
  }

  static double error(double actual, double expected) {
    if (Double.isNaN(actual) || Double.isNaN(expected)) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.abs(actual - expected) / Math.max(1.0, Math.abs(expected));
  }

  private static float[] floats(OrtSession.Result out, String name) throws OrtException {
    OnnxTensor t = (OnnxTensor) out.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
    FloatBuffer fb = t.getFloatBuffer();
    float[] v = new float[fb.remaining()];
    fb.get(v);
    return v;
  }
}
