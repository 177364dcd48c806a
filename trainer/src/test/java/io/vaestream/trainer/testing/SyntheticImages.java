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
          boolean on = labels[i] == 0 ? Math.abs(x - cx) <= r && Math.abs(y - cy) <= r : Math.abs(d - r) < 1.2;
          float noise = (float) (rnd.nextDouble() * 0.05);
          px[i * c.size() + y * 28 + x] = on ? 0.95f - noise : noise;
        }
      }
    }
    return new ImageDataset(c, px, labels, List.of("square", "ring"), "synthetic");
  }
}
