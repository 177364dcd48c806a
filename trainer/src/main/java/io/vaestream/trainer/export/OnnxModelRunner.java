package io.vaestream.trainer.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.data.Batches;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * Runs an exported model on the CPU with ONNX Runtime, in batches: what the trainer uses to check
 * and evaluate exactly what it ships. (The detector has its own scorer, with device selection.)
 */
public final class OnnxModelRunner implements AutoCloseable {
  private static final int BATCH = 256;

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final ImageContract contract;

  private OnnxModelRunner(byte[] model) throws OrtException {
    options = new OrtSession.SessionOptions();
    try {
      session = env.createSession(model, options);
    } catch (OrtException e) {
      options.close();
      throw e;
    }
    contract = ImageContract.fromMetadata(metadata());
  }

  /** Opens a model, which must carry the image contract in its metadata. */
  public static OnnxModelRunner open(byte[] model) {
    try {
      return new OnnxModelRunner(model);
    } catch (OrtException e) {
      throw new IllegalArgumentException(
          "ONNX Runtime cannot load the model: " + e.getMessage(), e);
    }
  }

  public ImageContract contract() {
    return contract;
  }

  public Map<String, String> metadata() {
    try {
      return session.getMetadata().getCustomMetadata();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot read model metadata: " + e.getMessage(), e);
    }
  }

  /** The model's outputs by name, in the graph's order: the required ones and the score's parts. */
  public Set<String> outputs() {
    return session.getOutputNames();
  }

  /** Runs {@code count} images and returns the requested outputs, concatenated over batches. */
  public Map<String, float[]> run(float[] pixels, int count, List<String> outputs) {
    int n = contract.size();
    Map<String, float[]> result = new HashMap<>();
    Map<String, Integer> filled = new HashMap<>();
    try {
      int batch = Batches.of(contract, BATCH);
      for (int start = 0; start < count; start += batch) {
        int b = Math.min(batch, count - start);
        float[] x = Arrays.copyOfRange(pixels, start * n, (start + b) * n);
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), contract.shape(b));
            OrtSession.Result out =
                session.run(Map.of(ModelFormat.INPUT, in), Set.copyOf(outputs))) {
          for (String name : outputs) {
            FloatBuffer fb = ((OnnxTensor) out.get(name).orElseThrow()).getFloatBuffer();
            int per = fb.remaining() / b;
            float[] dst = result.computeIfAbsent(name, k -> new float[count * per]);
            int at = filled.getOrDefault(name, 0);
            fb.get(dst, at, fb.remaining());
            filled.put(name, at + b * per);
          }
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
    }
    return result;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      LoggerFactory.getLogger(OnnxModelRunner.class).warn("closing the ONNX session failed", e);
    }
    options.close();
  }
}
