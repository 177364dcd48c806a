package io.vaestream.trainer.score;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.model.Restoration;
import io.vaestream.trainer.model.VaeTrainer;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A score part of another kind than distances and residuals: a small network learns, on training
 * normals alone, which of {@value #TRANSFORMS} transforms an image was given (0 to 3 quarter turns,
 * each with and without a mirror), and an image scores the mean over the transforms of −log p(the
 * right one). Normal images in their usual pose give the network what it learnt to read; an
 * anomaly gives it less, and it errs (after GEOM, Golan and El-Yaniv 2018, with an MLP on a grey
 * thumbnail instead of their wide ResNet).
 *
 * <p>It says something only where pose is learnable: on objects (digits, clothes) held-out normals
 * score near 0, on isotropic surfaces near ln 8, where every turn looks alike. {@link #learnt}
 * tells the two apart, on held-out normals.
 *
 * <p>The network sees a grey thumbnail: the channels averaged, then {@link #pool()} × {@link
 * #pool()} blocks averaged, so that about 28 pixels a side remain at any image size. It needs square
 * images. The exported graph computes the same ({@code TransformGraph}), under the parity gate.
 *
 * @param weights {@code [in, out]} row-major, layer after layer
 * @param biases one per layer
 */
public record TransformClassifier(
    ImageContract contract, int pool, int[] widths, float[][] weights, float[][] biases) {
  public static final int TRANSFORMS = 8;
  /** Hidden widths, fixed in advance with the prototype of 2026-12-02 (docs/evaluation). */
  private static final int[] HIDDEN = {512, 256};

  private static final int EPOCHS = 15;
  private static final int BATCH = 128;
  private static final int THUMBNAIL = 28;

  /**
   * The mean score of held-out normals below which the classifier counts as having learnt its task:
   * half of ln 8, the score of a classifier that cannot tell the transforms apart.
   */
  public static final double LEARNT_BELOW = 0.5 * Math.log(TRANSFORMS);

  /** Whether images of {@code contract} can be turned: square ones. */
  public static boolean suits(ImageContract contract) {
    return contract.width() == contract.height();
  }

  /** Whether held-out normals' scores show the classifier has learnt its task. */
  public static boolean learnt(double[] heldOutScores) {
    return Arrays.stream(heldOutScores).average().orElse(Double.NaN) < LEARNT_BELOW;
  }

  /**
   * The classifier a score of {@code kind} may take a part from, trained on {@code normals} (the
   * memory bank's images); null where the kind takes none or the images are not square.
   */
  public static TransformClassifier tried(
      ScoreSelector.Kind kind, ImageDataset normals, int maxImages, long seed) {
    return kind.triesTransforms() && suits(normals.contract())
        ? train(normals, maxImages, seed)
        : null;
  }

  /** Trains on at most {@code maxImages} of {@code normals} (a seeded sample when there are more). */
  public static TransformClassifier train(ImageDataset normals, int maxImages, long seed) {
    ImageDataset kept = normals.size() > maxImages ? normals.sample(maxImages, seed) : normals;
    ImageContract c = kept.contract();
    if (!suits(c)) {
      throw new IllegalArgumentException(
          "the transform classifier needs square images, not " + c.width() + "x" + c.height());
    }
    int pool = Math.max(1, c.width() / THUMBNAIL);
    int side = c.width() / pool;
    int in = side * side;
    ImageContract grey = new ImageContract(side, side, 1);
    int[] widths = {in, HIDDEN[0], HIDDEN[1], TRANSFORMS};
    float[] thumbs = thumbnails(c, pool, kept.pixels(), kept.size());
    SameDiff sd = network(widths, new SplittableRandom(seed));
    SplittableRandom random = new SplittableRandom(seed + 1);
    int n = kept.size();
    for (int e = 0; e < EPOCHS; e++) {
      int[] order = ImageDataset.shuffledIndices(n * TRANSFORMS, random::nextInt);
      for (int s = 0; s + BATCH <= order.length; s += BATCH) {
        float[] x = new float[BATCH * in];
        float[] y = new float[BATCH * TRANSFORMS];
        for (int k = 0; k < BATCH; k++) {
          int t = order[s + k] % TRANSFORMS;
          transform(thumbs, order[s + k] / TRANSFORMS * in, grey, t, x, k * in);
          y[k * TRANSFORMS + t] = 1;
        }
        sd.fit(new DataSet(
            Nd4j.create(x, new long[] {BATCH, in}),
            Nd4j.create(y, new long[] {BATCH, TRANSFORMS})));
      }
    }
    float[][] w = new float[widths.length - 1][];
    float[][] b = new float[widths.length - 1][];
    for (int l = 0; l < w.length; l++) {
      w[l] = sd.getVariable("w" + l).getArr().dup('c').reshape(-1).toFloatVector();
      b[l] = sd.getVariable("b" + l).getArr().toFloatVector();
    }
    return new TransformClassifier(c, pool, widths, w, b);
  }

  /** The thumbnail's side. */
  public int side() {
    return contract.width() / pool;
  }

  /** The mean over the transforms of −log p(the transform | the transformed image), per image. */
  public double[] scores(float[] pixels, int count) {
    int side = side();
    int in = side * side;
    ImageContract grey = new ImageContract(side, side, 1);
    float[] thumbs = thumbnails(contract, pool, pixels, count);
    double[] out = new double[count];
    IntStream.range(0, count).parallel().forEach(i -> {
      float[] x = new float[in];
      double sum = 0;
      for (int t = 0; t < TRANSFORMS; t++) {
        transform(thumbs, i * in, grey, t, x, 0);
        sum -= logSoftmax(forward(x))[t];
      }
      out[i] = sum / TRANSFORMS;
    });
    return out;
  }

  /** The network's logits for one flattened thumbnail, in float32 as the graph computes them. */
  private float[] forward(float[] x) {
    float[] h = x;
    for (int l = 0; l < weights.length; l++) {
      int out = widths[l + 1];
      float[] next = Arrays.copyOf(biases[l], out);
      for (int i = 0; i < widths[l]; i++) {
        float v = h[i];
        if (v != 0) {
          for (int j = 0, r = i * out; j < out; j++) {
            next[j] += v * weights[l][r + j];
          }
        }
      }
      if (l + 1 < weights.length) {
        for (int j = 0; j < out; j++) {
          next[j] = Math.max(next[j], 0f);
        }
      }
      h = next;
    }
    return h;
  }

  private static double[] logSoftmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : logits) {
      sum += Math.exp(v - max);
    }
    double log = max + Math.log(sum);
    double[] out = new double[logits.length];
    for (int j = 0; j < logits.length; j++) {
      out[j] = logits[j] - log;
    }
    return out;
  }

  /**
   * Grey thumbnails, {@code side²} values an image: the mean over channels, then over {@code pool}
   * × {@code pool} blocks from the top left (rows and columns past the last whole block are left
   * out, as an ONNX AveragePool without padding does).
   */
  static float[] thumbnails(ImageContract c, int pool, float[] pixels, int count) {
    int w = c.width();
    int plane = w * c.height();
    int side = w / pool;
    float[] out = new float[count * side * side];
    float scale = 1f / (c.channels() * pool * pool);
    for (int i = 0; i < count; i++) {
      int base = i * c.size();
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          float sum = 0;
          for (int ch = 0; ch < c.channels(); ch++) {
            for (int dy = 0; dy < pool; dy++) {
              for (int dx = 0; dx < pool; dx++) {
                sum += pixels[base + ch * plane + (y * pool + dy) * w + x * pool + dx];
              }
            }
          }
          out[(i * side + y) * side + x] = sum * scale;
        }
      }
    }
    return out;
  }

  /**
   * Transform {@code t} of the thumbnail at {@code from} ({@code grey}: its shape): {@code t % 4}
   * quarter turns as {@link Restoration#rotate} turns, then, for {@code t ≥ 4}, a mirror (columns
   * reversed).
   */
  static void transform(float[] src, int from, ImageContract grey, int t, float[] dst, int to) {
    int side = grey.width();
    Restoration.rotate(src, from, grey, t % 4, dst, to);
    if (t >= 4) {
      for (int y = 0; y < side; y++) {
        int row = to + y * side;
        for (int x = 0; x < side / 2; x++) {
          float v = dst[row + x];
          dst[row + x] = dst[row + side - 1 - x];
          dst[row + side - 1 - x] = v;
        }
      }
    }
  }

  /** {@code widths[0]} → … → {@code TRANSFORMS}, ReLU between, Glorot-uniform weights (seeded). */
  private static SameDiff network(int[] widths, SplittableRandom random) {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.placeHolder("in", DataType.FLOAT, -1, widths[0]);
    SDVariable label = sd.placeHolder("label", DataType.FLOAT, -1, TRANSFORMS);
    for (int l = 0; l + 1 < widths.length; l++) {
      float limit = (float) Math.sqrt(6.0 / (widths[l] + widths[l + 1]));
      float[] w = new float[widths[l] * widths[l + 1]];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
      }
      SDVariable weight =
          sd.var("w" + l, Nd4j.create(w, new long[] {widths[l], widths[l + 1]}, 'c'));
      x = x.mmul(weight).add(sd.var("b" + l, Nd4j.zeros(DataType.FLOAT, widths[l + 1])));
      if (l + 2 < widths.length) {
        x = sd.nn.relu(x, 0);
      }
    }
    // cross-entropy written out: SameDiff's own loss op logs a warning about a field it lacks
    SDVariable loss = sd.nn.logSoftmax(x).mul(label).sum(1).mean().neg();
    sd.setLossVariables(loss);
    sd.setTrainingConfig(TrainingConfig.builder()
        .updater(new Adam(1e-3))
        .dataSetFeatureMapping("in")
        .dataSetLabelMapping("label")
        .build());
    VaeTrainer.quietly(sd::createGradFunction);
    return sd;
  }

  /** What the model's metadata says of the classifier (JSON). */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "{\"transforms\":%d,\"thumbnail\":\"%dx%d\",\"pool\":%d,\"widths\":%s,\"epochs\":%d}",
        TRANSFORMS,
        side(),
        side(),
        pool,
        Arrays.toString(widths),
        EPOCHS);
  }
}
