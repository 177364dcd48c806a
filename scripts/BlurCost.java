import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.vaestream.trainer.export.internal.OnnxGraphBuilder;
import io.vaestream.trainer.score.ImageFeatures;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;

/**
 * Time per 28 x 28 image, in ONNX Runtime on the CPU in batches of 256, of the score's 5 x 5
 * Gaussian blur as the graph has it (a Conv), of the same blur as two MatMuls with a band matrix
 * (it is separable), in two layouts, and of an MLP decoder of the default's size: what each
 * posterior draw adds (docs/benchmarks-draws.md). The first repetition is a warm-up.
 *
 * <pre>
 * java -cp "$(ls tools/target/vaestream-tools-*.jar):$(cat tools/target/classpath.txt)" scripts/BlurCost.java
 * </pre>
 */
public class BlurCost {
  static final int S = 28, N = 256;

  public static void main(String[] a) throws Exception {
    float[] k2 = ImageFeatures.gaussianKernel();
    int n = 2 * ImageFeatures.RADIUS + 1, r = ImageFeatures.RADIUS;
    float[] k1 = new float[n];
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) k1[i] += k2[i * n + j];
    // conv
    OnnxGraphBuilder g = new OnnxGraphBuilder("conv");
    String x = g.input("input", -1, 1, S, S);
    String y = g.op("Conv", "blur", Map.of("kernel_shape", new long[] {n, n}, "pads", new long[] {r, r, r, r}), x, g.floats("k", k2, 1, 1, n, n));
    g.output(y, "out", -1, 1, S, S);
    byte[] conv = g.build("t", "1", "", Map.of()).toByteArray();
    // separable
    float[] band = new float[S * S];
    for (int p = 0; p < S; p++) for (int q = 0; q < S; q++) if (Math.abs(p - q) <= r) band[p * S + q] = k1[q - p + r];
    OnnxGraphBuilder h = new OnnxGraphBuilder("mm");
    String xi = h.input("input", -1, 1, S, S);
    String b = h.floats("band", band, S, S);
    String rows = h.op("MatMul", "rows", xi, b);
    String both = h.op("MatMul", "cols", b, rows);
    h.output(both, "out", -1, 1, S, S);
    byte[] mm = h.build("t", "1", "", Map.of()).toByteArray();
    // separable as two large GEMMs: rows, transpose, rows again, transpose back
    OnnxGraphBuilder t = new OnnxGraphBuilder("gemm");
    String xt = t.input("input", -1, 1, S, S);
    String bt = t.floats("band", band, S, S);
    String flat = t.op("Reshape", "flat", xt, t.longs("s1", -1, S));
    String r1 = t.op("Reshape", "r1", t.op("MatMul", "m1", flat, bt), t.longs("s2", -1, S, S));
    String tr = t.op("Transpose", "t1", Map.of("perm", new long[] {0, 2, 1}), r1);
    String r2 = t.op("MatMul", "m2", t.op("Reshape", "f2", tr, t.longs("s3", -1, S)), bt);
    String back = t.op("Transpose", "t2", Map.of("perm", new long[] {0, 2, 1}), t.op("Reshape", "r3", r2, t.longs("s4", -1, S, S)));
    t.output(t.op("Reshape", "r4", back, t.longs("s5", -1, 1, S, S)), "out", -1, 1, S, S);
    byte[] gemm = t.build("t", "1", "", Map.of()).toByteArray();
    // decoder 16 -> 256 -> 512 -> 784
    Random rnd = new Random(1);
    OnnxGraphBuilder d = new OnnxGraphBuilder("dec");
    String z = d.input("input", -1, 16);
    int[] w = {16, 256, 512, 784};
    String v = z;
    for (int l = 0; l < 3; l++) {
      float[] m = new float[w[l] * w[l + 1]];
      for (int i = 0; i < m.length; i++) m[i] = (float) rnd.nextGaussian() * 0.05f;
      v = d.op("MatMul", "mm", v, d.floats("w", m, w[l], w[l + 1]));
      v = d.op(l < 2 ? "Relu" : "Sigmoid", "act", v);
    }
    d.output(v, "out", -1, 784);
    byte[] dec = d.build("t", "1", "", Map.of()).toByteArray();

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[] img = new float[N * S * S];
    for (int i = 0; i < img.length; i++) img[i] = rnd.nextFloat();
    float[] zs = new float[N * 16];
    for (int i = 0; i < zs.length; i++) zs[i] = (float) rnd.nextGaussian();
    // check the two blurs agree
    float[] outConv = run(env, conv, img, new long[] {N, 1, S, S}, 1);
    float[] outMm = run(env, mm, img, new long[] {N, 1, S, S}, 1);
    double worst = 0;
    for (int i = 0; i < outConv.length; i++) worst = Math.max(worst, Math.abs(outConv[i] - outMm[i]));
    System.out.printf("largest difference conv vs matmul blur: %.2e%n", worst);
    float[] outGemm = run(env, gemm, img, new long[] {N, 1, S, S}, 1);
    worst = 0;
    for (int i = 0; i < outConv.length; i++) worst = Math.max(worst, Math.abs(outConv[i] - outGemm[i]));
    System.out.printf("largest difference conv vs gemm blur: %.2e%n", worst);
    for (int rep = 0; rep < 4; rep++) {
      System.out.printf("conv blur   %.2f us/image%n", time(env, conv, img, new long[] {N, 1, S, S}));
      System.out.printf("matmul blur %.2f us/image%n", time(env, mm, img, new long[] {N, 1, S, S}));
      System.out.printf("gemm blur   %.2f us/image%n", time(env, gemm, img, new long[] {N, 1, S, S}));
      System.out.printf("mlp decoder %.2f us/image%n", time(env, dec, zs, new long[] {N, 16}));
    }
  }

  static double time(OrtEnvironment env, byte[] model, float[] in, long[] shape) throws Exception {
    int iters = 300;
    run(env, model, in, shape, 50);
    long t0 = System.nanoTime();
    run(env, model, in, shape, iters);
    return (System.nanoTime() - t0) / 1e3 / iters / N;
  }

  static float[] run(OrtEnvironment env, byte[] model, float[] in, long[] shape, int iters) throws Exception {
    float[] last = null;
    try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions())) {
      for (int i = 0; i < iters; i++) {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), shape); OrtSession.Result r = s.run(Map.of("input", t))) {
          if (i == iters - 1) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            last = new float[fb.remaining()];
            fb.get(last);
          }
        }
      }
    }
    return last;
  }
}
