package io.vaestream.trainer.score;

import io.vaestream.schemas.ImageContract;

/**
 * The fixed image filters of the label-free score, in plain Java: the reference that the ONNX
 * graph must reproduce (it builds the same filters from {@link #gaussianWeights()} and {@link
 * #orientationKernels()}). Images are channel-first, {@code [c, h, w]}, as {@link ImageContract}
 * lays them out; every filter is a cross-correlation with zero padding, as ONNX's {@code Conv} is.
 *
 * <p>The settings are fixed in advance, not tuned on test data: a Gaussian of σ = 1 pixel (the
 * scale of the stitching and texture that a VAE cannot reproduce, so that the residual keeps
 * shape errors and drops pixel noise), pooling to about 14 × 14, and {@value #ORIENTATIONS}
 * gradient orientations pooled over a 4 × 4 grid of cells, like a histogram of oriented gradients.
 * With {@link #shapeOnly()} both feature vectors are scaled to unit length, so that neighbours
 * are compared by shape and not by overall brightness or contrast (a pale and a dark shot of the
 * same part); {@code --score fused-shape} asks for it (see docs/evaluation for what it gains and
 * costs).
 */
public final class ImageFeatures {
  /** σ of the Gaussian blur, in pixels. */
  public static final double SIGMA = 1.0;
  /** Radius of the blur kernel: 2σ. */
  public static final int RADIUS = 2;
  /** Gradient orientations, evenly spaced over the full circle. */
  public static final int ORIENTATIONS = 8;
  /** Cells per side of the gradient-orientation grid. */
  public static final int CELLS = 4;
  /** The smallest length a feature vector is divided by: a blank image keeps zero features. */
  public static final float MIN_NORM = 1e-6f;

  private static final double[] GAUSSIAN_WEIGHTS = normalisedGaussian();
  private static final float[] GAUSSIAN = outer(GAUSSIAN_WEIGHTS);
  private static final float[] ORIENTATION = orientations();

  private final ImageContract contract;
  private final boolean shapeOnly;
  private final int pool;
  private final int cell;

  /** Features as they are: brightness counts. */
  public ImageFeatures(ImageContract contract) {
    this(contract, false);
  }

  /** Features scaled to unit length where {@code shapeOnly}. */
  public ImageFeatures(ImageContract contract, boolean shapeOnly) {
    this.contract = contract;
    this.shapeOnly = shapeOnly;
    this.pool = pooling(contract);
    this.cell = Math.max(1, Math.min(contract.width(), contract.height()) / CELLS);
  }

  /** The pooling of the blurred-pixel features: 2 for 28 × 28, so that about 14 × 14 remain. */
  public static int pooling(ImageContract c) {
    return Math.max(2, Math.min(c.width(), c.height()) / 14);
  }

  public ImageContract contract() {
    return contract;
  }

  /** Whether feature vectors are scaled to unit length. */
  public boolean shapeOnly() {
    return shapeOnly;
  }

  public int pool() {
    return pool;
  }

  public int cell() {
    return cell;
  }

  /** Length of {@link #pixelFeatures}: the blurred image average-pooled by {@link #pool()}. */
  public int pixelFeatureSize() {
    return contract.channels() * (contract.height() / pool) * (contract.width() / pool);
  }

  /** Length of {@link #orientationFeatures}. */
  public int orientationFeatureSize() {
    return ORIENTATIONS * (contract.height() / cell) * (contract.width() / cell);
  }

  /** The normalised 2-D Gaussian, {@code (2R+1)²} values, row by row. */
  public static float[] gaussianKernel() {
    return GAUSSIAN.clone();
  }

  /**
   * The normalised 1-D Gaussian, {@code 2R+1} values: {@link #gaussianKernel()} is its outer
   * product with itself, so the blur can be taken along rows and then along columns.
   */
  public static float[] gaussianWeights() {
    float[] k = new float[GAUSSIAN_WEIGHTS.length];
    for (int i = 0; i < k.length; i++) {
      k[i] = (float) GAUSSIAN_WEIGHTS[i];
    }
    return k;
  }

  private static double[] normalisedGaussian() {
    double[] g = new double[2 * RADIUS + 1];
    double sum = 0;
    for (int i = 0; i < g.length; i++) {
      g[i] = Math.exp(-(i - RADIUS) * (i - RADIUS) / (2 * SIGMA * SIGMA));
      sum += g[i];
    }
    for (int i = 0; i < g.length; i++) {
      g[i] /= sum;
    }
    return g;
  }

  private static float[] outer(double[] g) {
    int n = g.length;
    float[] k = new float[n * n];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        k[y * n + x] = (float) (g[y] * g[x]);
      }
    }
    return k;
  }

  /**
   * {@value #ORIENTATIONS} 3 × 3 kernels: the Sobel gradient (scaled by 1/8) projected on direction
   * θ = 2πb/{@value #ORIENTATIONS}; a ReLU after it keeps the edges that rise in that direction.
   */
  public static float[] orientationKernels() {
    return ORIENTATION.clone();
  }

  private static float[] orientations() {
    double[] sx = {-1, 0, 1, -2, 0, 2, -1, 0, 1};
    double[] sy = {-1, -2, -1, 0, 0, 0, 1, 2, 1};
    float[] k = new float[ORIENTATIONS * 9];
    for (int b = 0; b < ORIENTATIONS; b++) {
      double t = 2 * Math.PI * b / ORIENTATIONS;
      for (int i = 0; i < 9; i++) {
        k[b * 9 + i] = (float) ((Math.cos(t) * sx[i] + Math.sin(t) * sy[i]) / 8);
      }
    }
    return k;
  }

  /** The image blurred channel by channel. */
  public float[] blur(float[] image, int offset) {
    int c = contract.channels();
    int h = contract.height();
    int w = contract.width();
    float[] out = new float[c * h * w];
    for (int ch = 0; ch < c; ch++) {
      correlate(image, offset + ch * h * w, h, w, GAUSSIAN, 0, RADIUS, out, ch * h * w);
    }
    return out;
  }

  /**
   * The anomaly map: the squared, blurred residual {@code blur(x − x̂)²} averaged over the
   * channels, one value per pixel ({@code h × w}). Its mean is the blurred reconstruction error.
   */
  public float[] anomalyMap(float[] x, int xOffset, float[] reconstruction, int rOffset) {
    return anomalyMap(x, xOffset, reconstruction, rOffset, (float[]) null);
  }

  /**
   * The shipped anomaly map ({@link MapScale}): {@code blur(s_r ⊙ (x − x̂))² + blur(s_x ⊙ (x −
   * μ))²}, averaged over the channels.
   */
  public float[] anomalyMap(
      float[] x, int xOffset, float[] reconstruction, int rOffset, MapScale scale) {
    float[] residual = anomalyMap(x, xOffset, reconstruction, rOffset, scale.inverse());
    float[] template = anomalyMap(x, xOffset, scale.mean(), 0, scale.inverseSpread());
    for (int i = 0; i < residual.length; i++) {
      residual[i] += template[i];
    }
    return residual;
  }

  /**
   * The map of the residual scaled value by value by {@code scale} (null for none): {@code blur(s ⊙
   * (x − x̂))²} averaged over the channels.
   */
  public float[] anomalyMap(
      float[] x, int xOffset, float[] reconstruction, int rOffset, float[] scale) {
    int n = contract.size();
    int plane = contract.width() * contract.height();
    int c = contract.channels();
    float[] diff = new float[n];
    for (int i = 0; i < n; i++) {
      diff[i] = x[xOffset + i] - reconstruction[rOffset + i];
      if (scale != null) {
        diff[i] *= scale[i];
      }
    }
    float[] b = blur(diff, 0);
    float[] map = new float[plane];
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < plane; i++) {
        float v = b[ch * plane + i];
        map[i] += v * v;
      }
    }
    for (int i = 0; i < plane; i++) {
      map[i] /= c;
    }
    return map;
  }

  /** The mean of a map, in double precision. */
  public static double mean(float[] map) {
    double sum = 0;
    for (float v : map) {
      sum += v;
    }
    return sum / map.length;
  }

  /** The largest value of a map. */
  public static double peak(float[] map) {
    return peak(map, 0, map.length);
  }

  /** The largest value of {@code maps[from .. to)}, one map of several laid end to end. */
  public static double peak(float[] maps, int from, int to) {
    float max = Float.NEGATIVE_INFINITY;
    for (int p = from; p < to; p++) {
      max = Math.max(max, maps[p]);
    }
    return max;
  }

  /** The peak of each of {@code n} maps of {@code plane} values laid end to end. */
  public static double[] peaks(float[] maps, int n, int plane) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = peak(maps, i * plane, (i + 1) * plane);
    }
    return out;
  }

  /**
   * The blurred image, average-pooled by {@link #pool()}, flattened channel-first (unit length where
   * {@link #shapeOnly()}).
   */
  public float[] pixelFeatures(float[] image, int offset) {
    int c = contract.channels();
    return scaled(avgPool(blur(image, offset), c, contract.height(), contract.width(), pool));
  }

  /**
   * The oriented gradients of the grey image (mean of the channels), rectified and average-pooled
   * over cells of {@link #cell()} pixels: {@value #ORIENTATIONS} × cells × cells values (unit
   * length where {@link #shapeOnly()}).
   */
  public float[] orientationFeatures(float[] image, int offset) {
    int c = contract.channels();
    int h = contract.height();
    int w = contract.width();
    float[] grey = new float[h * w];
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < h * w; i++) {
        grey[i] += image[offset + ch * h * w + i];
      }
    }
    for (int i = 0; i < h * w; i++) {
      grey[i] /= c;
    }
    float[] g = new float[ORIENTATIONS * h * w];
    for (int b = 0; b < ORIENTATIONS; b++) {
      correlate(grey, 0, h, w, ORIENTATION, b * 9, 1, g, b * h * w);
    }
    for (int i = 0; i < g.length; i++) {
      g[i] = Math.max(0, g[i]);
    }
    return scaled(avgPool(g, ORIENTATIONS, h, w, cell));
  }

  /**
   * {@code v} divided by its Euclidean length (at least {@link #MIN_NORM}), in place, where {@link
   * #shapeOnly()}; else {@code v} as it is.
   */
  private float[] scaled(float[] v) {
    if (!shapeOnly) {
      return v;
    }
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    float norm = Math.max((float) Math.sqrt(sum), MIN_NORM);
    for (int i = 0; i < v.length; i++) {
      v[i] /= norm;
    }
    return v;
  }

  /**
   * {@code out[o..]} = the {@code h × w} plane at {@code in[o..]} correlated with the square kernel
   * of radius {@code r} at {@code k[kOffset..]}.
   */
  private static void correlate(
      float[] in,
      int inOffset,
      int h,
      int w,
      float[] k,
      int kOffset,
      int r,
      float[] out,
      int outOffset) {
    int n = 2 * r + 1;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float s = 0;
        for (int dy = -r; dy <= r; dy++) {
          int yy = y + dy;
          if (yy < 0 || yy >= h) {
            continue;
          }
          for (int dx = -r; dx <= r; dx++) {
            int xx = x + dx;
            if (xx >= 0 && xx < w) {
              s += k[kOffset + (dy + r) * n + dx + r] * in[inOffset + yy * w + xx];
            }
          }
        }
        out[outOffset + y * w + x] = s;
      }
    }
  }

  /** Non-overlapping average pooling with stride {@code p}; a remainder at the edge is dropped. */
  private static float[] avgPool(float[] in, int c, int h, int w, int p) {
    int oh = h / p;
    int ow = w / p;
    float[] out = new float[c * oh * ow];
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          float s = 0;
          for (int dy = 0; dy < p; dy++) {
            for (int dx = 0; dx < p; dx++) {
              s += in[ch * h * w + (y * p + dy) * w + x * p + dx];
            }
          }
          out[ch * oh * ow + y * ow + x] = s / (p * p);
        }
      }
    }
    return out;
  }
}
