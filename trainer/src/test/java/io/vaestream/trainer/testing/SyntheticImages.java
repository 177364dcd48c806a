package io.vaestream.trainer.testing;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.ImageDataset;
import java.util.List;
import java.util.SplittableRandom;

/** Tiny, seeded image sets for fast tests: class 0 is a bright square, class 1 a bright ring. */
public final class SyntheticImages {
  private SyntheticImages() {}

  public static ImageDataset squaresAndRings(int count, long seed) {
    ImageContract c = ImageContract.GRAY_28;
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] px = new float[count * c.size()];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = i % 2;
      int cx = 10 + rnd.nextInt(8);
      int cy = 10 + rnd.nextInt(8);
      int r = 4 + rnd.nextInt(3);
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          double d = Math.hypot(x - cx, y - cy);
          boolean on = labels[i] == 0
              ? Math.abs(x - cx) <= r && Math.abs(y - cy) <= r
              : Math.abs(d - r) < 1.2;
          float noise = (float) (rnd.nextDouble() * 0.05);
          px[i * c.size() + y * 28 + x] = on ? 0.95f - noise : noise;
        }
      }
    }
    return new ImageDataset(c, px, labels, List.of("square", "ring"), "synthetic");
  }

  /**
   * Upright letters L, jittered in place and size: a shape with a pose, unlike a square or a ring,
   * so that a classifier can tell which way it was turned.
   */
  public static ImageDataset ells(int count, long seed) {
    ImageContract c = ImageContract.GRAY_28;
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] px = new float[count * c.size()];
    for (int i = 0; i < count; i++) {
      int left = 6 + rnd.nextInt(6);
      int top = 4 + rnd.nextInt(6);
      int height = 12 + rnd.nextInt(5);
      int width = 7 + rnd.nextInt(4);
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          boolean stem = x >= left && x < left + 3 && y >= top && y < top + height;
          boolean foot = y >= top + height - 3 && y < top + height && x >= left && x < left + width;
          float noise = (float) (rnd.nextDouble() * 0.05);
          px[i * c.size() + y * 28 + x] = stem || foot ? 0.95f - noise : noise;
        }
      }
    }
    return new ImageDataset(c, px, new int[count], List.of("ell"), "synthetic ells");
  }

  /** The grey images of {@code grey} in colour: orange shapes on a dark blue ground. */
  public static ImageDataset tinted(ImageDataset grey) {
    ImageContract g = grey.contract();
    ImageContract c = new ImageContract(g.width(), g.height(), 3);
    int plane = g.width() * g.height();
    float[] px = new float[grey.size() * c.size()];
    float[] on = {1f, 0.55f, 0.1f};
    float[] off = {0.05f, 0.1f, 0.35f};
    for (int i = 0; i < grey.size(); i++) {
      for (int p = 0; p < plane; p++) {
        float v = grey.pixels()[i * plane + p];
        for (int ch = 0; ch < 3; ch++) {
          px[i * c.size() + ch * plane + p] =
              Math.round((off[ch] + v * (on[ch] - off[ch])) * 255) / 255f;
        }
      }
    }
    return new ImageDataset(
        c, px, grey.labels().clone(), grey.classNames(), grey.description() + " tinted");
  }
}
