package io.vaestream.schemas;

/**
 * Two numbers that say what an image looks like before the model sees it, computed over its model
 * input (the values {@link ImageContract#toTensor} produces, every channel): the mean intensity is
 * the mean of the values, the contrast their population standard deviation. The trainer stores
 * their distribution on the held-out normals in the model ({@link CalibrationProfile}); the detector
 * computes them for every image it scores and compares. Defined once, here, so that the two
 * cannot disagree.
 *
 * <p>They catch what the score can miss: a camera whose exposure or gain changed moves them long
 * before the images look anomalous to the model.
 *
 * @param meanIntensity mean of the image's tensor values, in [0, 1]
 * @param contrast population standard deviation of those values
 */
public record ImageStatistics(double meanIntensity, double contrast) {

  /**
   * The statistics of the image whose tensor is {@code tensors[offset .. offset + size)}. Two
   * passes in double precision (mean, then squared deviations): one pass with sums of squares
   * loses digits on bright, flat images.
   */
  public static ImageStatistics of(float[] tensors, int offset, int size) {
    if (size < 1) {
      throw new IllegalArgumentException(
          "an image tensor has at least one value, got size " + size);
    }
    if (offset < 0 || offset + (long) size > tensors.length) {
      throw new IllegalArgumentException("values " + offset + ".." + (offset + (long) size)
          + " are outside a tensor " + "of " + tensors.length);
    }
    double sum = 0;
    for (int i = offset; i < offset + size; i++) {
      sum += tensors[i];
    }
    double mean = sum / size;
    double squares = 0;
    for (int i = offset; i < offset + size; i++) {
      double d = tensors[i] - mean;
      squares += d * d;
    }
    return new ImageStatistics(mean, Math.sqrt(squares / size));
  }
}
