package io.vaestream.trainer.score;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.model.VaeModel;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Every term a score can be made of, per image: the VAE's reconstruction errors and KL, the
 * distances to the memory bank ({@code null} without one), the peak of each image's anomaly map
 * (which the pixel threshold is calibrated on), and the {@link TransformClassifier}'s part
 * ({@code null} without one).
 */
public record ScoreParts(
    int count,
    float[] bce,
    float[] mse,
    double[] blurredMse,
    float[] kl,
    double[] knnPixels,
    double[] knnGradients,
    double[] mapPeaks,
    double[] transformNll) {

  /** These parts with {@code classifier}'s part of the same images (none when it is null). */
  public ScoreParts withTransforms(TransformClassifier classifier, float[] pixels) {
    double[] nll = classifier == null ? null : classifier.scores(pixels, count);
    return new ScoreParts(count, bce, mse, blurredMse, kl, knnPixels, knnGradients, mapPeaks, nll);
  }

  /** The parts of {@code count} images from the VAE's forward pass over them and, if given, a bank. */
  public static ScoreParts of(
      ImageContract contract, VaeModel.Forward f, float[] pixels, int count, MemoryBank bank) {
    return of(contract, f, pixels, count, bank, null);
  }

  /** As above, with the map peaks taken from maps scaled by {@code mapScale} (null for none). */
  public static ScoreParts of(
      ImageContract contract,
      VaeModel.Forward f,
      float[] pixels,
      int count,
      MemoryBank bank,
      MapScale mapScale) {
    ImageFeatures features = new ImageFeatures(contract);
    int size = contract.size();
    double[] blurred = new double[count];
    double[] peaks = new double[count];
    IntStream.range(0, count).parallel().forEach(i -> {
      float[] map = anomalyMap(features, pixels, f, i, null);
      blurred[i] = ImageFeatures.mean(map);
      peaks[i] =
          ImageFeatures.peak(mapScale == null ? map : anomalyMap(features, pixels, f, i, mapScale));
    });
    double[][] d = bank == null ? new double[2][] : bank.distances(pixels, count);
    return new ScoreParts(count, f.bce, f.mse, blurred, f.kl, d[0], d[1], peaks, null);
  }

  /**
   * The anomaly map of image {@code i} (scaled by {@code mapScale}, or plain when null): with a
   * restoring VAE, the mean of the maps of its reconstructions from each transform.
   */
  public static float[] anomalyMap(
      ImageFeatures features, float[] pixels, VaeModel.Forward f, int i, MapScale mapScale) {
    int size = features.contract().size();
    float[] sum = null;
    for (float[] reconstruction : f.restored) {
      float[] map = mapScale == null
          ? features.anomalyMap(pixels, i * size, reconstruction, i * size)
          : features.anomalyMap(pixels, i * size, reconstruction, i * size, mapScale);
      if (sum == null) {
        sum = map;
      } else {
        for (int j = 0; j < map.length; j++) {
          sum[j] += map[j];
        }
      }
    }
    if (f.restored.length > 1) {
      for (int j = 0; j < sum.length; j++) {
        sum[j] /= f.restored.length;
      }
    }
    return sum;
  }

  public double reconstructionError(ReconstructionKind kind, int i) {
    return switch (kind) {
      case BCE -> bce[i];
      case MSE -> mse[i];
      case BLURRED_MSE -> blurredMse[i];
    };
  }

  /** Images {@code from} (inclusive) to {@code to} (exclusive). */
  public ScoreParts slice(int from, int to) {
    return new ScoreParts(
        to - from,
        Arrays.copyOfRange(bce, from, to),
        Arrays.copyOfRange(mse, from, to),
        Arrays.copyOfRange(blurredMse, from, to),
        Arrays.copyOfRange(kl, from, to),
        knnPixels == null ? null : Arrays.copyOfRange(knnPixels, from, to),
        knnGradients == null ? null : Arrays.copyOfRange(knnGradients, from, to),
        mapPeaks == null ? null : Arrays.copyOfRange(mapPeaks, from, to),
        transformNll == null ? null : Arrays.copyOfRange(transformNll, from, to));
  }
}
