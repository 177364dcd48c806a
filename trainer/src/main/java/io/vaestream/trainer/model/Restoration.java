package io.vaestream.trainer.model;

import io.vaestream.schemas.ImageContract;

/**
 * What the VAE learns to undo. With {@link #NONE} it reconstructs its input, as a plain VAE does.
 * With {@link #ROTATIONS} it is shown each training image turned by a random multiple of 90° and
 * must give back the upright image; an image is then scored by its reconstruction error averaged
 * over the four turns. A model that has learnt what upright normal images look like restores
 * them from any turn, while an anomaly gives it less to go on, so its errors grow (the idea of
 * attribute-restoration networks, ARNet, Huang et al. 2020). It needs square images.
 */
public enum Restoration {
  NONE(1),
  ROTATIONS(4);

  private final int transforms;

  Restoration(int transforms) {
    this.transforms = transforms;
  }

  /** How many versions of an image are scored: the identity first, then the turns. */
  public int transforms() {
    return transforms;
  }

  /** Refuses images this restoration cannot transform. */
  public void check(ImageContract contract) {
    if (this == ROTATIONS && contract.width() != contract.height()) {
      throw new IllegalArgumentException(
          "--restore rotations needs square images, not " + contract.width() + "x"
              + contract.height() + "; use --restore none, or --image-size to make them square");
    }
  }

  /**
   * Writes image {@code src} (at {@code srcOffset}, layout {@code [c, s, s]}) turned by {@code
   * turns} × 90° into {@code dst} at {@code dstOffset}: {@code dst[y][x] = src[x][s-1-y]} for one
   * turn, applied {@code turns} times. The exported graph turns images the same way (a transpose
   * and a flip, see OnnxExporter).
   */
  public static void rotate(
      float[] src, int srcOffset, ImageContract contract, int turns, float[] dst, int dstOffset) {
    int s = contract.width();
    int plane = s * s;
    for (int c = 0; c < contract.channels(); c++) {
      int base = c * plane;
      for (int y = 0; y < s; y++) {
        for (int x = 0; x < s; x++) {
          int from = switch (turns & 3) {
            case 0 -> y * s + x;
            case 1 -> x * s + (s - 1 - y);
            case 2 -> (s - 1 - y) * s + (s - 1 - x);
            default -> (s - 1 - x) * s + y;
          };
          dst[dstOffset + base + y * s + x] = src[srcOffset + base + from];
        }
      }
    }
  }
}
