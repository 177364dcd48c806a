package io.vaestream.schemas;

/**
 * Separable resampling of 8-bit interleaved pixels, the only resizing in vaestream. Shrinking
 * averages the source pixels each target pixel covers (a box filter weighted by overlap, so that
 * no detail aliases); enlarging interpolates linearly between pixel centres. Results are rounded
 * back to 8 bits, as a camera would have delivered them at that size.
 */
final class Resampling {
  private Resampling() {}

  /**
   * The region {@code [x0, x0 + cw) × [y0, y0 + ch)} of {@code src} ({@code sw} pixels wide, {@code
   * bpp} bytes per pixel) resampled to {@code dw × dh}, keeping the first {@code outBpp} samples of
   * every pixel (so RGBA becomes RGB).
   */
  static byte[] resample(
      byte[] src, int sw, int bpp, int outBpp, int x0, int y0, int cw, int ch, int dw, int dh) {
    Weights wx = Weights.of(x0, cw, dw);
    Weights wy = Weights.of(y0, ch, dh);
    float[] rows = new float[ch * dw * outBpp];
    for (int y = 0; y < ch; y++) {
      int rowStart = (y0 + y) * sw;
      for (int x = 0; x < dw; x++) {
        for (int c = 0; c < outBpp; c++) {
          float s = 0;
          for (int j = 0; j < wx.taps[x].length; j++) {
            s += wx.taps[x][j] * (src[(rowStart + wx.first[x] + j) * bpp + c] & 0xFF);
          }
          rows[(y * dw + x) * outBpp + c] = s;
        }
      }
    }
    byte[] out = new byte[dw * dh * outBpp];
    for (int y = 0; y < dh; y++) {
      for (int x = 0; x < dw; x++) {
        for (int c = 0; c < outBpp; c++) {
          float s = 0;
          for (int j = 0; j < wy.taps[y].length; j++) {
            s += wy.taps[y][j] * rows[((wy.first[y] - y0 + j) * dw + x) * outBpp + c];
          }
          out[(y * dw + x) * outBpp + c] = (byte) Math.max(0, Math.min(255, Math.round(s)));
        }
      }
    }
    return out;
  }

  /** For every target index, the first source index it reads and the weights of the following ones. */
  private record Weights(int[] first, float[][] taps) {

    static Weights of(int start, int length, int target) {
      double scale = (double) length / target;
      int[] first = new int[target];
      float[][] taps = new float[target][];
      for (int i = 0; i < target; i++) {
        double centre = start + (i + 0.5) * scale;
        if (scale > 1) {
          double lo = centre - scale / 2;
          double hi = centre + scale / 2;
          int a = Math.max(start, (int) Math.floor(lo));
          int b = Math.min(start + length, (int) Math.ceil(hi));
          first[i] = a;
          taps[i] = new float[b - a];
          for (int j = a; j < b; j++) {
            taps[i][j - a] = (float) ((Math.min(hi, j + 1) - Math.max(lo, j)) / scale);
          }
        } else {
          double t = Math.max(start, Math.min(start + length - 1, centre - 0.5));
          int a = Math.min((int) Math.floor(t), start + length - 1);
          double f = t - a;
          first[i] = a;
          taps[i] =
              a + 1 < start + length ? new float[] {(float) (1 - f), (float) f} : new float[] {1f};
        }
      }
      return new Weights(first, taps);
    }
  }
}
