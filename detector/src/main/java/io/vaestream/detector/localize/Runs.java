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

  /**
   * Room for the runs of a flagged map's few regions. A map can hold (w + 1) / 2 runs a row, but
   * arrays of that size (10 KB at 28 × 28, 200 KB at 128 × 128) would be allocated and zeroed for
   * every map; these grow when a map needs more.
   */
  private static final int FIRST_CAPACITY = 64;

  private int[] x0 = new int[FIRST_CAPACITY];
  private int[] x1 = new int[FIRST_CAPACITY];
  private int[] y = new int[FIRST_CAPACITY];
  private double[] max = new double[FIRST_CAPACITY];
  private int[] parent = new int[FIRST_CAPACITY];
  private int count;

  private Runs() {}

  /** A new run's index, with room for it. */
  private int open() {
    if (count == x0.length) {
      int capacity = 2 * count;
      x0 = Arrays.copyOf(x0, capacity);
      x1 = Arrays.copyOf(x1, capacity);
      y = Arrays.copyOf(y, capacity);
      max = Arrays.copyOf(max, capacity);
      parent = Arrays.copyOf(parent, capacity);
    }
    return count++;
  }

  /** The regions of {@code maps[offset .. offset + w × h)} above {@code threshold}, in raster order. */
  static List<Region> label(float[] maps, int offset, int w, int h, double threshold) {
    Runs runs = new Runs();
    float cut = floatCut(threshold);
    int above = 0; // the first run of the row above
    for (int row = 0; row < h; row++) {
      int first = runs.count;
      int base = offset + row * w;
      for (int x = 0; x < w; x++) {
        if (!(maps[base + x] > cut)) {
          continue;
        }
        int r = runs.open();
        runs.x0[r] = x;
        runs.y[r] = row;
        runs.parent[r] = r;
        float largest = maps[base + x];
        for (; x < w && maps[base + x] > cut; x++) {
          if (maps[base + x] > largest) {
            largest = maps[base + x];
          }
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

  /**
   * The float {@code c} with {@code v > c} exactly when {@code v > threshold}, for every float
   * {@code v}: the scan then compares floats, without widening each pixel to a double.
   */
  static float floatCut(double threshold) {
    float nearest = (float) threshold;
    // no float lies between the threshold and its nearest float
    return nearest > threshold ? Math.nextDown(nearest) : nearest;
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
