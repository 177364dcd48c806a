package io.vaestream.trainer.score;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.model.VaeModel;

/**
 * Every term a score can be made of, per image: the VAE's reconstruction errors and KL, and the
 * distances to the memory bank ({@code null} without one).
 */
public record ScoreParts(int count, float[] bce, float[] mse, double[] blurredMse, float[] kl, double[] knnPixels,
    double[] knnGradients) {

  /** The parts of {@code count} images from the VAE's forward pass over them and, if given, a bank. */
  public static ScoreParts of(ImageContract contract, VaeModel.Forward f, float[] pixels, int count,
      MemoryBank bank) {
    ImageFeatures features = new ImageFeatures(contract);
    int size = contract.size();
    double[] blurred = new double[count];
    java.util.stream.IntStream.range(0, count).parallel()
        .forEach(i -> blurred[i] = features.blurredMse(pixels, i * size, f.reconstruction, i * size));
    double[][] d = bank == null ? new double[2][] : bank.distances(pixels, count);
    return new ScoreParts(count, f.bce, f.mse, blurred, f.kl, d[0], d[1]);
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
    return new ScoreParts(to - from, java.util.Arrays.copyOfRange(bce, from, to),
        java.util.Arrays.copyOfRange(mse, from, to), java.util.Arrays.copyOfRange(blurredMse, from, to),
        java.util.Arrays.copyOfRange(kl, from, to),
        knnPixels == null ? null : java.util.Arrays.copyOfRange(knnPixels, from, to),
        knnGradients == null ? null : java.util.Arrays.copyOfRange(knnGradients, from, to));
  }
}
