import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.vaestream.trainer.export.internal.OnnxGraphBuilder;
import io.vaestream.trainer.score.ImageFeatures;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Time per image, in ONNX Runtime on the CPU, of the score's Gaussian blur written three ways: one
 * 5 x 5 depthwise Conv (the graph before 2026-12-03), a 1 x 5 and a 5 x 1 depthwise Conv, and two
 * MatMuls with band matrices (the graph's choice up to 64 pixels a side, ScoreGraph.blur); at 28 x
 * 28 grey also an MLP decoder of the default's size, what each posterior draw adds
 * (docs/benchmarks-draws.md). Batches of about 200,000 pixels; the first of four repetitions is a
 * warm-up. Arguments: side and channels (default 28 1).
 *
 * <pre>
 * java -cp "$(ls tools/target/vaestream-tools-*.jar):$(cat tools/target/classpath.txt)" scripts/BlurCost.java 128 3
 * </pre>
 */
public class BlurCost {
  public static void main(String[] args) throws Exception {
    int side = args.length > 0 ? Integer.parseInt(args[0]) : 28;
    int channels = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int batch = Math.max(4, 200_000 / (side * side * channels));
    long[] shape = {batch, channels, side, side};
    float[] k1 = ImageFeatures.gaussianWeights();
    int n = k1.length;
    long r = ImageFeatures.RADIUS;

    OnnxGraphBuilder square = new OnnxGraphBuilder("conv5x5");
    square.output(conv(square, square.input("input", shape), ImageFeatures.gaussianKernel(), channels, n, n, r, r), "out", shape);
    OnnxGraphBuilder separable = new OnnxGraphBuilder("conv1d");
    String rows = conv(separable, separable.input("input", shape), k1, channels, 1, n, 0, r);
    separable.output(conv(separable, rows, k1, channels, n, 1, r, 0), "out", shape);
    float[] band = new float[side * side];
    for (int p = 0; p < side; p++) {
      for (int q = Math.max(0, p - (int) r); q <= Math.min(side - 1, p + r); q++) {
        band[p * side + q] = k1[(int) (q - p + r)];
      }
    }
    OnnxGraphBuilder matmul = new OnnxGraphBuilder("band");
    String b = matmul.floats("band", band, side, side);
    matmul.output(matmul.op("MatMul", "cols", b, matmul.op("MatMul", "rows", matmul.input("input", shape), b)), "out", shape);

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Random random = new Random(1);
    float[] images = new float[batch * channels * side * side];
    for (int i = 0; i < images.length; i++) {
      images[i] = random.nextFloat();
    }
    Map<String, byte[]> models = new LinkedHashMap<>();
    models.put("5x5 conv", square.build("t", "1", "", Map.of()).toByteArray());
    models.put("1-D convs", separable.build("t", "1", "", Map.of()).toByteArray());
    models.put("band matmuls", matmul.build("t", "1", "", Map.of()).toByteArray());
    float[] reference = run(env, models.get("5x5 conv"), images, shape);
    for (var m : models.entrySet()) {
      float[] out = run(env, m.getValue(), images, shape);
      double worst = 0;
      for (int i = 0; i < out.length; i++) {
        worst = Math.max(worst, Math.abs(out[i] - reference[i]));
      }
      System.out.printf("%-13s largest difference from the 5x5 conv %.1e%n", m.getKey(), worst);
    }
    byte[] decoder = side == 28 && channels == 1 ? decoder(random) : null;
    float[] latents = new float[batch * 16];
    for (int i = 0; i < latents.length; i++) {
      latents[i] = (float) random.nextGaussian();
    }
    System.out.printf("%d x %d, %d channel(s), batches of %d: us per image%n", side, side, channels, batch);
    for (int rep = 0; rep < 4; rep++) {
      StringBuilder line = new StringBuilder(rep == 0 ? "warm-up " : "        ");
      for (var m : models.entrySet()) {
        line.append(String.format("  %s %.2f", m.getKey(), time(env, m.getValue(), images, shape)));
      }
      if (decoder != null) {
        line.append(String.format("  mlp decoder %.2f", time(env, decoder, latents, new long[] {batch, 16})));
      }
      System.out.println(line);
    }
  }

  static String conv(OnnxGraphBuilder g, String in, float[] kernel, int channels, int kh, int kw, long ph, long pw) {
    float[] weights = new float[channels * kernel.length];
    for (int c = 0; c < channels; c++) {
      System.arraycopy(kernel, 0, weights, c * kernel.length, kernel.length);
    }
    return g.op(
        "Conv",
        "blur",
        Map.of("group", (long) channels, "kernel_shape", new long[] {kh, kw}, "pads", new long[] {ph, pw, ph, pw}),
        in,
        g.floats("k", weights, channels, 1, kh, kw));
  }

  /** An MLP decoder 16 -> 256 -> 512 -> 784 with random weights. */
  static byte[] decoder(Random random) {
    OnnxGraphBuilder d = new OnnxGraphBuilder("decoder");
    String v = d.input("input", -1, 16);
    int[] widths = {16, 256, 512, 784};
    for (int l = 0; l < 3; l++) {
      float[] w = new float[widths[l] * widths[l + 1]];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) random.nextGaussian() * 0.05f;
      }
      v = d.op(l < 2 ? "Relu" : "Sigmoid", "act", d.op("MatMul", "mm", v, d.floats("w", w, widths[l], widths[l + 1])));
    }
    d.output(v, "out", -1, 784);
    return d.build("t", "1", "", Map.of()).toByteArray();
  }

  static double time(OrtEnvironment env, byte[] model, float[] in, long[] shape) throws Exception {
    int iterations = 200;
    try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions())) {
      loop(env, s, in, shape, 30);
      long t0 = System.nanoTime();
      loop(env, s, in, shape, iterations);
      return (System.nanoTime() - t0) / 1e3 / iterations / shape[0];
    }
  }

  static void loop(OrtEnvironment env, OrtSession s, float[] in, long[] shape, int iterations) throws Exception {
    for (int i = 0; i < iterations; i++) {
      try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), shape);
          OrtSession.Result r = s.run(Map.of("input", t))) {
        // timing only
      }
    }
  }

  static float[] run(OrtEnvironment env, byte[] model, float[] in, long[] shape) throws Exception {
    try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
        OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), shape);
        OrtSession.Result r = s.run(Map.of("input", t))) {
      FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
      float[] out = new float[fb.remaining()];
      fb.get(out);
      return out;
    }
  }
}
