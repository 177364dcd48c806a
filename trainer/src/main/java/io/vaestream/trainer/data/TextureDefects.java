package io.vaestream.trainer.data;

import static io.vaestream.trainer.data.TextureMath.clamp01;
import static io.vaestream.trainer.data.TextureMath.sinTurns;
import static io.vaestream.trainer.data.TextureMath.smoothstep;
import static io.vaestream.trainer.data.Textures.CHANNELS;
import static io.vaestream.trainer.data.Textures.DEFAULT_SIDE;
import static io.vaestream.trainer.data.Textures.MASK_ALPHA;

import io.vaestream.trainer.data.Textures.Defect;
import io.vaestream.trainer.data.Textures.Family;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Paints each {@link Defect} onto a rendered surface and marks the pixels it changed in the mask:
 * scratches, spots, stains, patches of another family and holes. Sizes are given for {@link
 * Textures#DEFAULT_SIDE} and scale with the side.
 */
final class TextureDefects {
  private static final double[] BRIGHT = {0.97, 0.96, 0.93};
  private static final double[] DARK = {0.08, 0.07, 0.06};
  private static final double[] BACKGROUND = {0.03, 0.028, 0.025};
  private static final double[][] TINTS = {
    {0.85, 0.65, 0.42}, // coffee
    {0.95, 0.60, 0.40}, // rust
    {0.70, 0.70, 0.62}, // oil
    {0.72, 0.88, 0.66}, // mould
  };

  private TextureDefects() {}

  /** The planar image and mask one defect is painted into. */
  record Canvas(float[] img, int off, byte[] mask, int maskOff, int side) {
    /** Moves pixel (x, y) towards {@code target} by {@code alpha}. */
    void blend(int x, int y, double alpha, double[] target) {
      int p = off + y * side + x;
      for (int c = 0; c < CHANNELS; c++) {
        int i = p + c * side * side;
        img[i] = (float) (img[i] * (1 - alpha) + target[c] * alpha);
      }
      mark(x, y, alpha);
    }

    /** Multiplies pixel (x, y) by {@code tint}, to the degree {@code alpha}. */
    void tint(int x, int y, double alpha, double[] tint) {
      int p = off + y * side + x;
      for (int c = 0; c < CHANNELS; c++) {
        int i = p + c * side * side;
        img[i] = (float) (img[i] * (1 - alpha + alpha * tint[c]));
      }
      mark(x, y, alpha);
    }

    /** Replaces {@code [x0, x1) × [y0, y1)} with {@code surface}. */
    void paste(TextureSurface surface, int x0, int y0, int x1, int y1) {
      surface.paint(img, off, x0, y0, x1, y1);
      for (int y = y0; y < y1; y++) {
        for (int x = x0; x < x1; x++) {
          mark(x, y, 1);
        }
      }
    }

    private void mark(int x, int y, double alpha) {
      if (alpha > MASK_ALPHA) {
        mask[maskOff + y * side + x] = 1;
      }
    }
  }

  /** A roughly round region whose edge wobbles with the angle. */
  private record Blob(
      double cx, double cy, double radius, double a2, double p2, double a3, double p3) {
    static Blob random(SplittableRandom r, int side, double radius, double wobble) {
      double margin = radius * (1 + 2 * wobble) + 3;
      return new Blob(
          r.nextDouble(margin, side - margin),
          r.nextDouble(margin, side - margin),
          radius,
          r.nextDouble(0, wobble),
          r.nextDouble(),
          r.nextDouble(0, wobble),
          r.nextDouble());
    }

    /** Signed distance in pixels from the pixel at (x, y) to the edge, negative inside. */
    double edgeDistance(int x, int y) {
      double dx = x + 0.5 - cx;
      double dy = y + 0.5 - cy;
      double turns = StrictMath.atan2(dy, dx) / (2 * Math.PI);
      double edge = radius * (1 + a2 * sinTurns(2 * turns + p2) + a3 * sinTurns(3 * turns + p3));
      return Math.sqrt(dx * dx + dy * dy) - edge;
    }

    /** The first pixel column or row that may lie within {@code extra} of the edge. */
    int low(double centre, double extra) {
      return Math.max(0, (int) Math.floor(centre - radius * (1 + a2 + a3) - extra));
    }

    int high(double centre, double extra, int side) {
      return Math.min(side, (int) Math.ceil(centre + radius * (1 + a2 + a3) + extra) + 1);
    }
  }

  static void paint(Canvas c, Defect defect, Family family, SplittableRandom r) {
    double s = c.side() / (double) DEFAULT_SIDE;
    switch (defect) {
      case SCRATCH -> scratch(c, r, s);
      case SPOT -> spot(c, r, s);
      case STAIN -> stain(c, r, s);
      case PATCH -> patch(c, r, family);
      case HOLE -> hole(c, r, s);
      default -> throw new IllegalStateException(defect.name());
    }
  }

  private static void scratch(Canvas c, SplittableRandom r, double s) {
    int side = c.side();
    double half = r.nextDouble(0.2, 0.6) * side / 2;
    double width = Math.max(1, r.nextDouble(1, 3) * s);
    double angle = r.nextDouble();
    double dx = sinTurns(angle + 0.25) * half;
    double dy = sinTurns(angle) * half;
    double cx = r.nextDouble(Math.abs(dx) + 3, side - Math.abs(dx) - 3);
    double cy = r.nextDouble(Math.abs(dy) + 3, side - Math.abs(dy) - 3);
    double bend = r.nextDouble(-0.15, 0.15);
    double[] target = r.nextBoolean() ? BRIGHT : DARK;
    double strength = r.nextDouble(0.7, 0.9);
    // A quadratic Bézier curve through the ends, bent sideways, as a polyline.
    int n = 32;
    double[] px = new double[n + 1];
    double[] py = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      double t = i / (double) n;
      double sideways = 4 * t * (1 - t) * bend;
      px[i] = cx + dx * (2 * t - 1) - dy * sideways;
      py[i] = cy + dy * (2 * t - 1) + dx * sideways;
    }
    double reach = width / 2 + 1;
    int x0 = (int) Math.max(0, Math.floor(Arrays.stream(px).min().orElseThrow() - reach));
    int x1 = (int) Math.min(side, Math.ceil(Arrays.stream(px).max().orElseThrow() + reach));
    int y0 = (int) Math.max(0, Math.floor(Arrays.stream(py).min().orElseThrow() - reach));
    int y1 = (int) Math.min(side, Math.ceil(Arrays.stream(py).max().orElseThrow() + reach));
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        double d = distanceToPolyline(x + 0.5, y + 0.5, px, py);
        double alpha = strength * clamp01(width / 2 + 0.5 - d);
        if (alpha > 0) {
          c.blend(x, y, alpha, target);
        }
      }
    }
  }

  private static void spot(Canvas c, SplittableRandom r, double s) {
    Blob b = Blob.random(r, c.side(), r.nextDouble(3, 8) * s, 0.15);
    double soft = Math.max(1, 1.2 * s);
    double[] target = r.nextBoolean() ? BRIGHT : DARK;
    double strength = r.nextDouble(0.75, 0.95);
    paintBlob(c, b, soft, (x, y, d) -> {
      double alpha = strength * clamp01(0.5 - d / soft);
      if (alpha > 0) {
        c.blend(x, y, alpha, target);
      }
    });
  }

  private static void stain(Canvas c, SplittableRandom r, double s) {
    Blob b = Blob.random(r, c.side(), r.nextDouble(8, 20) * s, 0.2);
    double[] tint = TINTS[r.nextInt(TINTS.length)];
    double strength = r.nextDouble(0.45, 0.7);
    double fade = 0.5 * b.radius();
    paintBlob(c, b, 0, (x, y, d) -> {
      double alpha = strength * (1 - smoothstep(-fade, 0, d));
      if (alpha > 0) {
        c.tint(x, y, alpha, tint);
      }
    });
  }

  private static void hole(Canvas c, SplittableRandom r, double s) {
    Blob b = Blob.random(r, c.side(), r.nextDouble(5, 12) * s, 0.12);
    double rim = Math.max(1.5, 2.5 * s);
    paintBlob(c, b, rim, (x, y, d) -> {
      // Opaque inside, then a shadow that fades over the rim.
      double alpha = clamp01(Math.max(0.5 - d, 0.6 * (1 - d / rim)));
      if (alpha > 0) {
        c.blend(x, y, alpha, BACKGROUND);
      }
    });
  }

  private static void patch(Canvas c, SplittableRandom r, Family family) {
    int side = c.side();
    int w = (int) Math.round(r.nextDouble(0.10, 0.25) * side);
    int h = (int) Math.round(r.nextDouble(0.10, 0.25) * side);
    int x0 = r.nextInt(1, side - w);
    int y0 = r.nextInt(1, side - h);
    Family[] all = Family.values();
    int pick = r.nextInt(all.length - 1);
    Family other = all[pick >= family.ordinal() ? pick + 1 : pick];
    TextureSurface pasted = new TextureSurface(other, side, new SplittableRandom(r.nextLong()));
    c.paste(pasted, x0, y0, x0 + w, y0 + h);
  }

  private interface PixelPainter {
    void paint(int x, int y, double edgeDistance);
  }

  private static void paintBlob(Canvas c, Blob b, double extra, PixelPainter painter) {
    int side = c.side();
    for (int y = b.low(b.cy(), extra); y < b.high(b.cy(), extra, side); y++) {
      for (int x = b.low(b.cx(), extra); x < b.high(b.cx(), extra, side); x++) {
        painter.paint(x, y, b.edgeDistance(x, y));
      }
    }
  }

  private static double distanceToPolyline(double x, double y, double[] px, double[] py) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i + 1 < px.length; i++) {
      double ax = px[i];
      double ay = py[i];
      double bx = px[i + 1] - ax;
      double by = py[i + 1] - ay;
      double len2 = bx * bx + by * by;
      double t = len2 == 0 ? 0 : clamp01(((x - ax) * bx + (y - ay) * by) / len2);
      double ex = x - ax - t * bx;
      double ey = y - ay - t * by;
      best = Math.min(best, ex * ex + ey * ey);
    }
    return Math.sqrt(best);
  }
}
