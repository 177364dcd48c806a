package io.vaestream.trainer.data;

import io.vaestream.schemas.ImageContract;

/**
 * How many images an offline pass over a data set (scoring, parity checks, calibration) takes at
 * once: a fixed count for small images, fewer for large ones, so that memory follows the batch's
 * size in floats rather than the image size. At 320 × 240 in colour, batches of 500 made the
 * packaging of a trained model pass 24 GB and the kernel killed it.
 */
public final class Batches {
  /** Floats of one batch's input at most: 16 MiB, 5,349 images of 28 × 28, 18 of 320 × 240 × 3. */
  public static final int MAX_FLOATS = 1 << 22;

  private Batches() {}

  /**
   * Images per batch under {@code contract}: {@code most}, fewer where they would pass {@link
   * #MAX_FLOATS}; at least 1.
   */
  public static int of(ImageContract contract, int most) {
    return Math.max(1, Math.min(most, MAX_FLOATS / contract.size()));
  }
}
