package io.vaestream.detector.localize;

import java.util.ArrayList;
import java.util.List;

/**
 * The runs of one map's pixels above the threshold, row by row, and which of them join into one
 * region (union-find). Runs are opened in raster order, so a region's first run holds its first
 * pixel in that order, which keeps the regions in the order a raster scan meets them.
 */
final class Runs {
  /** One connected region: its bounding box in map pixels, its pixel count and its largest value. */
  record Region(int x0, int y0, int x1, int y1, int count, double max) {}

  final int[] x0;
  final int[] x1;
  private final int[] y;
  private final double[] max;
  private final int[] parent;
  int count;

  /** Room for {@code capacity} runs: (width / 2 + 1) × height holds any map. */
  Runs(int capacity) {
    x0 = new int[capacity];
    x1 = new int[capacity];
    y = new int[capacity];
    max = new double[capacity];
    parent = new int[capacity];
  }

  /** Opens a run that starts at ({@code x}, {@code row}); returns its index. */
  int open(int x, int row) {
    int r = count++;
    x0[r] = x;
    y[r] = row;
    parent[r] = r;
    return r;
  }

  /** Closes run {@code r} at column {@code last}, with {@code largest} its largest value. */
  void close(int r, int last, double largest) {
    x1[r] = last;
    max[r] = largest;
  }

  void union(int a, int b) {
    int ra = root(a);
    int rb = root(b);
    if (ra != rb) {
      // the earlier run stays the root, so a region's root is its first run in raster order
      parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }

  private int root(int r) {
    while (parent[r] != r) {
      parent[r] = parent[parent[r]];
      r = parent[r];
    }
    return r;
  }

  /** The regions, in the raster order of their first pixel. */
  List<Region> regions() {
    int[] slot = new int[count];
    List<int[]> boxes = new ArrayList<>(); // x0, y0, x1, y1, count
    List<double[]> largest = new ArrayList<>();
    for (int r = 0; r < count; r++) {
      int root = root(r);
      if (root == r) {
        slot[r] = boxes.size();
        boxes.add(new int[] {x0[r], y[r], x1[r], y[r], 0});
        largest.add(new double[] {0});
      }
      int[] b = boxes.get(slot[root]);
      b[0] = Math.min(b[0], x0[r]);
      b[2] = Math.max(b[2], x1[r]);
      b[3] = Math.max(b[3], y[r]);
      b[4] += x1[r] - x0[r] + 1;
      double[] m = largest.get(slot[root]);
      m[0] = Math.max(m[0], max[r]);
    }
    List<Region> regions = new ArrayList<>(boxes.size());
    for (int i = 0; i < boxes.size(); i++) {
      int[] b = boxes.get(i);
      regions.add(new Region(b[0], b[1], b[2], b[3], b[4], largest.get(i)[0]));
    }
    return regions;
  }
}
