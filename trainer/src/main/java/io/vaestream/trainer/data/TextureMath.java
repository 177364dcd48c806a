package io.vaestream.trainer.data;

/**
 * The arithmetic the texture generator is built from, the same on every JVM: SplitMix64 hashing,
 * a sine table built with {@link StrictMath}, smooth value noise on a hashed lattice, and easing.
 */
final class TextureMath {
  private static final int SIN_STEPS = 4096;
  private static final double[] SIN = new double[SIN_STEPS + 1];

  static {
    for (int i = 0; i <= SIN_STEPS; i++) {
      SIN[i] = StrictMath.sin(2 * Math.PI * i / SIN_STEPS);
    }
  }

  private TextureMath() {}

  /** SplitMix64's finaliser over a combination of two values. */
  static long mix(long a, long b) {
    long z = a + (b + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** {@code sin(2π t)} from a table: fast, and the same on every platform. */
  static double sinTurns(double t) {
    double f = (t - Math.floor(t)) * SIN_STEPS;
    int i = Math.min((int) f, SIN_STEPS - 1);
    return SIN[i] + (SIN[i + 1] - SIN[i]) * (f - i);
  }

  /** Smooth value noise in [-1, 1], with a hashed random value at each integer lattice point. */
  static double noise(double x, double y, long salt) {
    double fx = Math.floor(x);
    double fy = Math.floor(y);
    long ix = (long) fx;
    long iy = (long) fy;
    double tx = smooth(x - fx);
    double ty = smooth(y - fy);
    double top = lerp(lattice(ix, iy, salt), lattice(ix + 1, iy, salt), tx);
    double bottom = lerp(lattice(ix, iy + 1, salt), lattice(ix + 1, iy + 1, salt), tx);
    return lerp(top, bottom, ty);
  }

  /** A random value in [-1, 1) fixed by the lattice point and the salt. */
  static double lattice(long ix, long iy, long salt) {
    return (mix(mix(salt, ix), iy) >>> 11) * 0x1.0p-52 - 1.0;
  }

  private static double smooth(double t) {
    return t * t * (3 - 2 * t);
  }

  static double smoothstep(double lo, double hi, double x) {
    return smooth(clamp01((x - lo) / (hi - lo)));
  }

  static double clamp01(double x) {
    return Math.max(0, Math.min(1, x));
  }

  static double lerp(double a, double b, double t) {
    return a + (b - a) * t;
  }
}
