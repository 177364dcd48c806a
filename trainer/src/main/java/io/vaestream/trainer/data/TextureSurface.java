package io.vaestream.trainer.data;

import static io.vaestream.trainer.data.TextureMath.lattice;
import static io.vaestream.trainer.data.TextureMath.lerp;
import static io.vaestream.trainer.data.TextureMath.noise;
import static io.vaestream.trainer.data.TextureMath.sinTurns;
import static io.vaestream.trainer.data.TextureMath.smoothstep;
import static io.vaestream.trainer.data.Textures.CHANNELS;
import static io.vaestream.trainer.data.Textures.DEFAULT_SIDE;

import io.vaestream.trainer.data.Textures.Family;
import java.util.SplittableRandom;

/**
 * One image's surface: a {@link Family} with its own pose, colour and lighting jitter, painted
 * into a planar image. Coordinates are those of a {@link Textures#DEFAULT_SIDE} image, so every
 * side shows the same scene.
 */
final class TextureSurface {
  private static final double[] WARP = {0.20, 0.28, 0.46};
  private static final double[] WEFT = {0.80, 0.78, 0.72};
  private static final double[] EARLY_WOOD = {0.80, 0.62, 0.42};
  private static final double[] LATE_WOOD = {0.50, 0.32, 0.18};
  private static final double[] STEEL = {0.60, 0.62, 0.65};
  private static final double HALF = DEFAULT_SIDE / 2.0;

  private final Family family;
  private final int side;
  private final double scale;
  private final double cos;
  private final double sin;
  private final double offsetU;
  private final double offsetV;
  private final double[] gain = new double[CHANNELS];
  private final double slopeX;
  private final double slopeY;
  private final long salt;
  private final double phase;

  TextureSurface(Family family, int side, SplittableRandom r) {
    this.family = family;
    this.side = side;
    this.scale = side / (double) DEFAULT_SIDE;
    double angle = Math.toRadians(r.nextDouble(-3, 3));
    this.cos = StrictMath.cos(angle);
    this.sin = StrictMath.sin(angle);
    this.offsetU = r.nextDouble(0, 1000);
    this.offsetV = r.nextDouble(0, 1000);
    double brightness = r.nextDouble(0.95, 1.05);
    for (int c = 0; c < CHANNELS; c++) {
      gain[c] = brightness * r.nextDouble(0.985, 1.015);
    }
    this.slopeX = r.nextDouble(-0.04, 0.04);
    this.slopeY = r.nextDouble(-0.04, 0.04);
    this.salt = r.nextLong();
    this.phase = r.nextDouble();
  }

  /** Paints pixels {@code [x0, x1) × [y0, y1)} of the planar image at {@code off}. */
  void paint(float[] img, int off, int x0, int y0, int x1, int y1) {
    int plane = side * side;
    double[] rgb = new double[CHANNELS];
    for (int y = y0; y < y1; y++) {
      // Coordinates are in pixels of a DEFAULT_SIDE image, so every side shows the same scene.
      double py = (y + 0.5) / scale - HALF;
      for (int x = x0; x < x1; x++) {
        double px = (x + 0.5) / scale - HALF;
        double u = cos * px - sin * py + offsetU;
        double v = sin * px + cos * py + offsetV;
        switch (family) {
          case FABRIC -> fabric(u, v, rgb);
          case WOOD -> wood(u, v, rgb);
          case METAL -> metal(u, v, rgb);
          default -> throw new IllegalStateException(family.name());
        }
        double light = 1 + (slopeX * px + slopeY * py) / HALF;
        int p = off + y * side + x;
        for (int c = 0; c < CHANNELS; c++) {
          img[p + c * plane] = (float) (rgb[c] * gain[c] * light);
        }
      }
    }
  }

  private void fabric(double u, double v, double[] rgb) {
    double cu = u / 5;
    double cv = v / 5;
    double fu = cu - Math.floor(cu);
    double fv = cv - Math.floor(cv);
    // A 2/1 twill: the warp floats over two weft threads and under one, shifted by one thread
    // per row, which reads as diagonal ribs. Soft cell edges keep the rotated weave unaliased.
    double k = softFloor(cu) - softFloor(cv) + phase * 3;
    double m = k - 3 * Math.floor(k / 3);
    double warp = m < 1 ? 1 : m < 2 ? 2 - m : m - 2;
    double warpShade = (0.5 + 0.5 * sinTurns(fu / 2)) * (0.8 + 0.2 * sinTurns(fv / 2));
    double weftShade = (0.5 + 0.5 * sinTurns(fv / 2)) * (0.8 + 0.2 * sinTurns(fu / 2));
    double warpJitter = 1 + 0.05 * lattice((long) Math.floor(cu), 1, salt);
    double weftJitter = 1 + 0.05 * lattice((long) Math.floor(cv), 2, salt);
    double fuzz =
        1 + 0.05 * noise(u / 1.3, v / 1.3, salt + 1) + 0.03 * noise(u / 24, v / 24, salt + 2);
    for (int c = 0; c < CHANNELS; c++) {
      rgb[c] =
          (warp * WARP[c] * warpShade * warpJitter + (1 - warp) * WEFT[c] * weftShade * weftJitter)
              * fuzz;
    }
  }

  /** {@code floor(x)}, but rising smoothly to the next integer over the last fifth of a cell. */
  private static double softFloor(double x) {
    double f = Math.floor(x);
    return f + smoothstep(0.8, 1, x - f);
  }

  private void wood(double u, double v, double[] rgb) {
    // The rings bend slowly across the grain, so they rarely close into islands.
    double bend = 1.4 * noise(u / 90, v / 60, salt) + 0.3 * noise(u / 25, v / 18, salt + 1);
    double ring = 0.5 + 0.5 * sinTurns(v / 9 + bend);
    double late = ring * ring * ring;
    double fibre = 0.07 * noise(u / 16, v / 0.9, salt + 2) + 0.03 * noise(u / 3, v / 0.6, salt + 3);
    for (int c = 0; c < CHANNELS; c++) {
      rgb[c] = lerp(EARLY_WOOD[c], LATE_WOOD[c], 0.8 * late) * (1 + fibre);
    }
  }

  private void metal(double u, double v, double[] rgb) {
    double streak = 0.06 * noise(u / 40, v / 0.9, salt)
        + 0.04 * noise(u / 120, v / 3, salt + 1)
        + 0.02 * noise(u / 6, v / 0.7, salt + 2);
    double sheen = 0.08 * sinTurns(v / 300 + u / 900 + phase);
    for (int c = 0; c < CHANNELS; c++) {
      rgb[c] = STEEL[c] * (1 + streak + sheen);
    }
  }
}
