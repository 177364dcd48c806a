package io.vaestream.detector.localize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The connected regions (8-neighbours) of one map's pixels above a threshold, labelled by runs:
 * one pass over the rows finds each row's runs of such pixels and joins a run to the runs of the
 * row above that touch it, diagonals included (union-find over runs). Runs are opened in raster
 * order and a region's root is its earliest run, so regions come out in the order a raster scan
 * meets their first pixel.
 */
final class Runs {
  /** One connected region: its bounding box in map pixels, its pixel count and its largest value. */
  record Region(int x0, int y0, int x1, int y1, int count, double max) {}

  private final int[] x0;
  private final int[] x1;
  private final int[] y;
  private final double[] max;
  private final int[] parent;
  private int count;

  private Runs(int capacity) {
    x0 = new int[capacity];
    x1 = new int[capacity];
    y = new int[capacity];
    max = new double[capacity];
    parent = new int[capacity];
  }

  /** The regions of {@code maps[offset .. offset + w × h)} above {@code threshold}, in raster order. */
  static List<Region> label(float[] maps, int offset, int w, int h, double threshold) {
    Runs runs = new Runs((w / 2 + 1) * h); // a row holds at most (w + 1) / 2 runs
    int above = 0; // the first run of the row above
    for (int row = 0; row < h; row++) {
      int first = runs.count;
      int base = offset + row * w;
      for (int x = 0; x < w; x++) {
        if (!(maps[base + x] > threshold)) {
          continue;
        }
        int r = runs.count++;
        runs.x0[r] = x;
        runs.y[r] = row;
        runs.parent[r] = r;
        double largest = 0;
        for (; x < w && maps[base + x] > threshold; x++) {
          largest = Math.max(largest, maps[base + x]);
        }
        runs.x1[r] = x - 1;
        runs.max[r] = largest;
        for (int q = above; q < first; q++) {
          if (runs.x0[q] <= x && runs.x1[q] >= runs.x0[r] - 1) {
            runs.union(q, r);
          }
        }
      }
      above = first;
    }
    return runs.regions();
  }

  private void union(int a, int b) {
    int ra = root(a);
    int rb = root(b);
    // the earlier run stays the root
    parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }

  private int root(int r) {
    while (parent[r] != r) {
      parent[r] = parent[parent[r]];
      r = parent[r];
    }
    return r;
  }

  /** Folds every run into its root: the root's row is its region's first. */
  private List<Region> regions() {
    int[] left = Arrays.copyOf(x0, count);
    int[] right = Arrays.copyOf(x1, count);
    int[] bottom = Arrays.copyOf(y, count);
    double[] largest = Arrays.copyOf(max, count);
    int[] pixels = new int[count];
    for (int r = 0; r < count; r++) {
      int g = root(r);
      left[g] = Math.min(left[g], x0[r]);
      right[g] = Math.max(right[g], x1[r]);
      bottom[g] = Math.max(bottom[g], y[r]);
      largest[g] = Math.max(largest[g], max[r]);
      pixels[g] += x1[r] - x0[r] + 1;
    }
    List<Region> regions = new ArrayList<>();
    for (int r = 0; r < count; r++) {
      if (parent[r] == r) {
        regions.add(new Region(left[r], y[r], right[r], bottom[r], pixels[r], largest[r]));
      }
    }
    return regions;
  }
}
