import io.vaestream.trainer.data.ImageDataset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.weightinit.impl.XavierInitScheme;

/**
 * A prototype score part of another kind, for scripts/dev_parts.py: a small MLP learns, on one
 * class's bank images alone, which of 8 transforms (0-3 quarter turns, each with and without a
 * mirror) an image was given; an image then scores the mean over the 8 transforms of minus the
 * log-probability of the right one (after GEOM, Golan and El-Yaniv 2018). Writes
 * class-C-calib-rotation.f32 and class-C-test-rotation.f32 into a scripts/DevDump.java folder.
 * Not in the trainer: it is here to measure whether such a part adds to the fused score.
 *
 * <pre>
 * for c in 0 1 2 3 4 5 6 7 8 9; do
 *   OMP_WAIT_POLICY=PASSIVE java -cp "$(ls tools/target/vaestream-tools-*.jar):$(cat tools/target/classpath.txt)" \
 *       scripts/RotationPart.java runs/dev-fmtrain-dump $c 15
 * done
 * </pre>
 */
public class RotationPart {
  static final int SIDE = 28;
  static final int PIXELS = SIDE * SIDE;
  static final int TRANSFORMS = 8;

  public static void main(String[] args) throws Exception {
    Path dump = Path.of(args[0]);
    int c = Integer.parseInt(args[1]);
    int epochs = Integer.parseInt(args[2]);
    float[] bank = read(dump.resolve("class-" + c + "-bank.f32"));
    SameDiff sd = network();
    train(sd, bank, epochs, new SplittableRandom(7));
    write(dump.resolve("class-" + c + "-calib-rotation.f32"),
        score(sd, read(dump.resolve("class-" + c + "-calib.f32"))));
    write(dump.resolve("class-" + c + "-test-rotation.f32"), score(sd, read(dump.resolve("test.f32"))));
    System.out.println("class " + c + ": " + bank.length / PIXELS + " images, " + epochs + " epochs");
  }

  /** 784 → 512 → 256 → 8, ReLU, softmax cross-entropy. */
  static SameDiff network() {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.placeHolder("in", DataType.FLOAT, -1, PIXELS);
    SDVariable label = sd.placeHolder("label", DataType.FLOAT, -1, TRANSFORMS);
    int[] widths = {PIXELS, 512, 256, TRANSFORMS};
    for (int i = 0; i + 1 < widths.length; i++) {
      SDVariable w = sd.var("w" + i, new XavierInitScheme('c', widths[i], widths[i + 1]), DataType.FLOAT,
          widths[i], widths[i + 1]);
      x = x.mmul(w).add(sd.zero("b" + i, DataType.FLOAT, widths[i + 1]));
      if (i + 2 < widths.length) {
        x = sd.nn.relu(x, 0);
      }
    }
    sd.nn.logSoftmax("logp", x);
    sd.loss.softmaxCrossEntropy("loss", label, x, null);
    sd.setTrainingConfig(TrainingConfig.builder()
        .updater(new Adam(1e-3))
        .dataSetFeatureMapping("in")
        .dataSetLabelMapping("label")
        .build());
    return sd;
  }

  static void train(SameDiff sd, float[] bank, int epochs, SplittableRandom random) {
    int n = bank.length / PIXELS;
    int batch = 128;
    for (int e = 0; e < epochs; e++) {
      int[] order = ImageDataset.shuffledIndices(n * TRANSFORMS, random::nextInt);
      for (int s = 0; s + batch <= order.length; s += batch) {
        float[] x = new float[batch * PIXELS];
        float[] y = new float[batch * TRANSFORMS];
        for (int k = 0; k < batch; k++) {
          int t = order[s + k] % TRANSFORMS;
          transform(bank, order[s + k] / TRANSFORMS * PIXELS, t, x, k * PIXELS);
          y[k * TRANSFORMS + t] = 1;
        }
        sd.fit(new DataSet(
            Nd4j.create(x, new long[] {batch, PIXELS}), Nd4j.create(y, new long[] {batch, TRANSFORMS})));
      }
    }
  }

  /** Mean over the transforms of −log p(the transform | the transformed image). */
  static float[] score(SameDiff sd, float[] images) {
    int n = images.length / PIXELS;
    float[] score = new float[n];
    for (int s = 0; s < n; s += 500) {
      int b = Math.min(500, n - s);
      for (int t = 0; t < TRANSFORMS; t++) {
        float[] x = new float[b * PIXELS];
        for (int k = 0; k < b; k++) {
          transform(images, (s + k) * PIXELS, t, x, k * PIXELS);
        }
        INDArray logp = sd.output(Map.of("in", Nd4j.create(x, new long[] {b, PIXELS})), "logp").get("logp");
        for (int k = 0; k < b; k++) {
          score[s + k] -= logp.getFloat(k, t) / TRANSFORMS;
        }
      }
    }
    return score;
  }

  /** Transform t of the image at {@code from}: t % 4 quarter turns, then a mirror when t ≥ 4. */
  static void transform(float[] src, int from, int t, float[] dst, int to) {
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        int sx = x;
        int sy = y;
        for (int k = 0; k < t % 4; k++) {
          int turned = SIDE - 1 - sy;
          sy = sx;
          sx = turned;
        }
        if (t >= 4) {
          sx = SIDE - 1 - sx;
        }
        dst[to + y * SIDE + x] = src[from + sy * SIDE + sx];
      }
    }
  }

  static float[] read(Path p) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    float[] a = new float[b.remaining() / 4];
    b.asFloatBuffer().get(a);
    return a;
  }

  static void write(Path p, float[] a) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(a);
    Files.write(p, b.array());
  }
}
