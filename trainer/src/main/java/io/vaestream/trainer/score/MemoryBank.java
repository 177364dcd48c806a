package io.vaestream.trainer.score;

import io.vaestream.trainer.data.ImageDataset;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Features of training normals, kept to measure how far a new image is from its nearest normal
 * neighbours: the mean squared Euclidean distance to the {@link #k()} nearest, once in the space
 * of blurred pixels and once in the space of oriented gradients ({@link ImageFeatures}, scaled to
 * unit length where it says so). The bank is stored inside the ONNX model, so the detector needs
 * nothing beside it.
 *
 * @param pixelBank {@code size × pixelFeatureSize} values, image after image
 * @param orientationBank {@code size × orientationFeatureSize} values
 */
public record MemoryBank(
    ImageFeatures features, int size, int k, float[] pixelBank, float[] orientationBank) {
  /** Neighbours averaged over: fixed in advance (the usual choice for kNN anomaly detection). */
  public static final int DEFAULT_K = 5;

  public MemoryBank {
    if (size < 1 || k < 1 || k > size) {
      throw new IllegalArgumentException(
          "a memory bank of " + size + " images cannot give " + k + " neighbours");
    }
  }

  /**
   * The bank of {@code normals}, at most {@code maxSize} of them (a seeded sample when there are
   * more), with features scaled to unit length where {@code shapeOnly}.
   */
  public static MemoryBank of(ImageDataset normals, int maxSize, long seed, boolean shapeOnly) {
    ImageDataset kept = normals.size() > maxSize ? normals.sample(maxSize, seed) : normals;
    ImageFeatures f = new ImageFeatures(kept.contract(), shapeOnly);
    int n = kept.size();
    int dp = f.pixelFeatureSize();
    int dg = f.orientationFeatureSize();
    float[] p = new float[n * dp];
    float[] g = new float[n * dg];
    int size = kept.contract().size();
    for (int i = 0; i < n; i++) {
      System.arraycopy(f.pixelFeatures(kept.pixels(), i * size), 0, p, i * dp, dp);
      System.arraycopy(f.orientationFeatures(kept.pixels(), i * size), 0, g, i * dg, dg);
    }
    return new MemoryBank(f, n, Math.min(DEFAULT_K, n), p, g);
  }

  /** Distances of {@code count} images: {@code [0]} in pixel space, {@code [1]} in gradient space. */
  public double[][] distances(float[] pixels, int count) {
    int size = features.contract().size();
    double[][] out = new double[2][count];
    IntStream.range(0, count).parallel().forEach(i -> {
      out[0][i] = nearest(features.pixelFeatures(pixels, i * size), pixelBank);
      out[1][i] = nearest(features.orientationFeatures(pixels, i * size), orientationBank);
    });
    return out;
  }

  /** Mean of the {@code k} smallest squared distances from {@code q} to the rows of {@code bank}. */
  private double nearest(float[] q, float[] bank) {
    int d = q.length;
    double[] best = new double[k];
    Arrays.fill(best, Double.POSITIVE_INFINITY);
    for (int r = 0; r < size; r++) {
      double s = 0;
      int o = r * d;
      for (int j = 0; j < d; j++) {
        double diff = q[j] - bank[o + j];
        s += diff * diff;
      }
      if (s < best[k - 1]) {
        int j = k - 1;
        while (j > 0 && best[j - 1] > s) {
          best[j] = best[j - 1];
          j--;
        }
        best[j] = s;
      }
    }
    double sum = 0;
    for (double b : best) {
      sum += b;
    }
    return sum / k;
  }
}
