package io.vaestream.trainer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Images of one data set that stand again, pixel for pixel, in another: a test or calibration
 * image that is also a training image says nothing about images the model has not seen.
 */
public final class PixelCopies {
  private PixelCopies() {}

  /** The images of {@code a} that are not also in {@code b}, pixel for pixel: {@code a} itself where none is. */
  public static ImageDataset without(ImageDataset a, ImageDataset b) {
    int[] unseen = notIn(a, b);
    return unseen.length == a.size() ? a : a.select(unseen, a.description());
  }

  /** The indices of the images of {@code a} that are not also in {@code b}, pixel for pixel. */
  public static int[] notIn(ImageDataset a, ImageDataset b) {
    int n = a.contract().size();
    Map<Integer, List<Integer>> byHash = new HashMap<>();
    for (int j = 0; j < b.size(); j++) {
      byHash.computeIfAbsent(hash(b.pixels(), j * n, n), k -> new ArrayList<>()).add(j);
    }
    float[] x = a.pixels();
    float[] y = b.pixels();
    return IntStream.range(0, a.size())
        .filter(i -> byHash.getOrDefault(hash(x, i * n, n), List.of()).stream()
            .noneMatch(j -> Arrays.equals(x, i * n, (i + 1) * n, y, j * n, (j + 1) * n)))
        .toArray();
  }

  private static int hash(float[] values, int from, int length) {
    int h = 1;
    for (int k = from; k < from + length; k++) {
      h = 31 * h + Float.floatToIntBits(values[k]);
    }
    return h;
  }
}
