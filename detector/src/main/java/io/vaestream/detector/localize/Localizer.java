package io.vaestream.detector.localize;

import io.vaestream.events.Box;
import io.vaestream.events.Localization;
import io.vaestream.schemas.ImageContract;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns one image's anomaly map into what a flagged event carries: the map as a small grey PNG,
 * the connected regions above the pixel threshold as boxes, and the peak. Boxes and the peak are
 * given in the pixels of the image as it was sent, so that they can be drawn over it directly,
 * even when the model resized or cropped it.
 */
public final class Localizer {
  /** The most boxes an event carries; the largest regions are kept. */
  public static final int MAX_BOXES = 16;
  /** The map value drawn as 255, in pixel thresholds: 2, so that grey 128 is the threshold. */
  public static final double PNG_SCALE = 2.0;

  private final ImageContract contract;
  private final double pixelThreshold;

  /**
   * @param contract the model's input contract: the map has its width and height
   * @param pixelThreshold map values above it are anomalous
   */
  public Localizer(ImageContract contract, double pixelThreshold) {
    if (!(pixelThreshold > 0) || Double.isInfinite(pixelThreshold)) {
      throw new IllegalArgumentException(
          "pixel threshold " + pixelThreshold + " is invalid: expected > 0");
    }
    this.contract = contract;
    this.pixelThreshold = pixelThreshold;
  }

  /** The model's input contract, whose width and height the maps have. */
  public ImageContract contract() {
    return contract;
  }

  public double pixelThreshold() {
    return pixelThreshold;
  }

  /**
   * The localization of the map at {@code maps[offset .. offset + width × height)} for an image
   * that was sent at {@code imageWidth × imageHeight}.
   */
  public Localization localize(float[] maps, int offset, int imageWidth, int imageHeight) {
    int w = contract.width();
    int h = contract.height();
    // the highest value that is a number: a NaN first pixel was the peak, whatever followed
    int peak = -1;
    for (int i = offset; i < offset + w * h; i++) {
      if (!Float.isNaN(maps[i]) && (peak < 0 || maps[i] > maps[peak])) {
        peak = i;
      }
    }
    peak = peak < 0 ? offset : peak; // every value NaN: the peak value says so
    int px = (peak - offset) % w;
    int py = (peak - offset) / w;
    int[] peakBox = contract.toSource(px, py, 1, 1, imageWidth, imageHeight);
    return Localization.newBuilder()
        .setMapPng(ByteBuffer.wrap(png(maps, offset)))
        .setMapWidth(w)
        .setMapHeight(h)
        .setMapMax(PNG_SCALE * pixelThreshold)
        .setPixelThreshold(pixelThreshold)
        .setImageWidth(imageWidth)
        .setImageHeight(imageHeight)
        .setPeakX(peakBox[0] + peakBox[2] / 2)
        .setPeakY(peakBox[1] + peakBox[3] / 2)
        .setPeakValue(maps[peak])
        .setBoxes(boxes(maps, offset, imageWidth, imageHeight))
        .build();
  }

  /**
   * Connected regions (8-neighbours) above the threshold, largest first, as boxes in the sent image
   * ({@link Runs}: a flood fill took 5 µs for a region of 340 pixels; runs read each pixel once).
   */
  List<Box> boxes(float[] maps, int offset, int imageWidth, int imageHeight) {
    int w = contract.width();
    int h = contract.height();
    // source pixels a map pixel stands for: of the region resampled (under crop, not the image)
    int[] region = contract.toSource(0, 0, w, h, imageWidth, imageHeight);
    double areaScale = (double) region[2] * region[3] / ((double) w * h);
    List<Box> boxes = new ArrayList<>();
    for (Runs.Region g : Runs.label(maps, offset, w, h, pixelThreshold)) {
      int[] b = contract.toSource(
          g.x0(), g.y0(), g.x1() - g.x0() + 1, g.y1() - g.y0() + 1, imageWidth, imageHeight);
      boxes.add(Box.newBuilder()
          .setX(b[0])
          .setY(b[1])
          .setWidth(b[2])
          .setHeight(b[3])
          .setArea((int) Math.round(g.count() * areaScale))
          .setMaxValue(g.max())
          .build());
    }
    boxes.sort(Comparator.comparingInt(Box::getArea)
        .reversed()
        .thenComparing(Box::getMaxValue, Comparator.reverseOrder()));
    return boxes.size() > MAX_BOXES ? new ArrayList<>(boxes.subList(0, MAX_BOXES)) : boxes;
  }

  /** The bytes of every map PNG this localizer writes (stored, so the same for each). */
  public long mapPngBytes() {
    return GreyPng.size(contract.width(), contract.height());
  }

  /** The map as an 8-bit grey PNG: 0 is no difference, 255 is {@link #PNG_SCALE} pixel thresholds or more. */
  byte[] png(float[] maps, int offset) {
    int w = contract.width();
    int h = contract.height();
    byte[] grey = new byte[w * h];
    // float arithmetic, + 0.5 and truncation for the nearest level (a tie, or the float just
    // below one, may go up), clamped by Math.min and Math.max; the int cast makes a NaN 0.
    // Faster than Math.round(double) or branches (./vaestream jmh LocalizerBenchmark).
    float scale = (float) (255 / (PNG_SCALE * pixelThreshold));
    for (int i = 0; i < grey.length; i++) {
      grey[i] = (byte) (int) Math.min(255f, Math.max(0f, maps[offset + i] * scale + 0.5f));
    }
    return GreyPng.encode(grey, w, h);
  }
}
