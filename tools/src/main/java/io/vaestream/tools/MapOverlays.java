package io.vaestream.tools;

import io.vaestream.detector.localize.Localizer;
import io.vaestream.events.Localization;
import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.ImageDataset;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Pictures for {@code score --maps}: each flagged image as it was given, the anomaly map laid over
 * it in false colour where it rises (the pixel threshold is half-way to yellow), the boxes the
 * detector would send in cyan and the peak as a white cross. The detector's own {@link Localizer}
 * makes the boxes, in the image's pixels, so they are what {@code tail --maps} shows for the same
 * image streamed.
 */
final class MapOverlays {
  /** The longer side of a picture is brought within these, in whole steps for small images. */
  private static final int MIN_SIDE = 256;

  private static final int MAX_SIDE = 1024;
  /** Opacity of the map where it is {@link Localizer#PNG_SCALE} thresholds or more. */
  private static final float MAX_ALPHA = 0.6f;

  private final Path dir;
  private final Path folder;
  private final Localizer localizer;
  private final PrintWriter err;
  private int written;
  private int failed;

  /**
   * @param folder the folder the images were read from, whose files are drawn as they are; null
   *     for other data, drawn as the model saw them
   * @param err where a picture that cannot be drawn is named, with why; the scoring goes on
   */
  MapOverlays(Path dir, Path folder, Localizer localizer, PrintWriter err) {
    this.dir = dir;
    this.folder = folder;
    this.localizer = localizer;
    this.err = err;
  }

  int written() {
    return written;
  }

  int failed() {
    return failed;
  }

  /**
   * Writes the picture of image {@code i} of {@code images}, whose map starts at {@code
   * maps[offset]}; one that cannot be drawn (its file changed since it was scored, a full disk) is
   * named on {@code err} and left out.
   */
  void write(ImageDataset images, int i, float[] maps, int offset) {
    try {
      draw(images, i, maps, offset);
      written++;
    } catch (IOException | RuntimeException e) {
      failed++;
      err.println("maps: " + name(images, i) + " not drawn: " + e.getMessage());
      err.flush();
    }
  }

  private void draw(ImageDataset images, int i, float[] maps, int offset) throws IOException {
    String source = images.source(i);
    BufferedImage image = folder != null && source != null
        ? read(folder.resolve(source))
        : images.raw(i).toBufferedImage();
    Localization loc = localizer.localize(maps, offset, image.getWidth(), image.getHeight());
    BufferedImage picture = picture(image, maps, offset, loc);
    Path file = dir.resolve(name(images, i));
    Files.createDirectories(file.getParent());
    ImageIO.write(picture, "png", file.toFile());
  }

  /** {@code image} scaled to a viewable size, the map over it, its boxes and peak drawn. */
  BufferedImage picture(BufferedImage image, float[] maps, int offset, Localization loc) {
    int longer = Math.max(image.getWidth(), image.getHeight());
    double zoom = longer < MIN_SIDE
        ? Math.max(1, MIN_SIDE / longer)
        : Math.min(1.0, (double) MAX_SIDE / longer);
    int w = Math.max(1, (int) Math.round(image.getWidth() * zoom));
    int h = Math.max(1, (int) Math.round(image.getHeight() * zoom));
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION,
        zoom >= 1
            ? RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR
            : RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, w, h, null);
    g.dispose();
    heat(out, maps, offset, image.getWidth(), image.getHeight());
    MapPictures.drawMarks(out, loc);
    return out;
  }

  /** Lays the map over {@code out}, which shows a {@code sourceWidth × sourceHeight} image. */
  private void heat(
      BufferedImage out, float[] maps, int offset, int sourceWidth, int sourceHeight) {
    ImageContract contract = localizer.contract();
    int mw = contract.width();
    int mh = contract.height();
    // the part of the image the map covers: all of it, or the centre a crop policy cut
    int[] region = contract.toSource(0, 0, mw, mh, sourceWidth, sourceHeight);
    double sx = (double) out.getWidth() / sourceWidth;
    double sy = (double) out.getHeight() / sourceHeight;
    int x0 = (int) Math.floor(region[0] * sx);
    int y0 = (int) Math.floor(region[1] * sy);
    int x1 = Math.min(out.getWidth(), (int) Math.ceil((region[0] + region[2]) * sx));
    int y1 = Math.min(out.getHeight(), (int) Math.ceil((region[1] + region[3]) * sy));
    double full = Localizer.PNG_SCALE * localizer.pixelThreshold();
    for (int y = y0; y < y1; y++) {
      int my = Math.min(mh - 1, (int) ((long) (y - y0) * mh / Math.max(1, y1 - y0)));
      for (int x = x0; x < x1; x++) {
        int mx = Math.min(mw - 1, (int) ((long) (x - x0) * mw / Math.max(1, x1 - x0)));
        float m = maps[offset + my * mw + mx];
        float v = Float.isNaN(m) ? 0 : (float) Math.max(0, Math.min(1, m / full));
        if (v > 0) {
          out.setRGB(x, y, blend(out.getRGB(x, y), MapPictures.heatColour(v), MAX_ALPHA * v));
        }
      }
    }
  }

  private static int blend(int rgb, int heat, float alpha) {
    int r = mix(rgb >> 16 & 0xff, heat >> 16 & 0xff, alpha);
    int g = mix(rgb >> 8 & 0xff, heat >> 8 & 0xff, alpha);
    int b = mix(rgb & 0xff, heat & 0xff, alpha);
    return r << 16 | g << 8 | b;
  }

  private static int mix(int a, int b, float alpha) {
    return Math.round(a * (1 - alpha) + b * alpha);
  }

  /** The image's colours as the model took them: without its alpha, which would draw as black. */
  private static BufferedImage read(Path file) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    if (image == null) {
      throw new IOException(file + ": not a PNG or JPEG image any more");
    }
    if (!image.getColorModel().hasAlpha()) {
      return image;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    BufferedImage opaque = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    // an RGB raster keeps the colour bits and drops the alpha ones
    opaque.setRGB(0, 0, w, h, image.getRGB(0, 0, w, h, null, 0, w), 0, w);
    return opaque;
  }

  /**
   * The image's own path for an image read from a folder, with {@code .png} added unless it ends so
   * ({@code hole/0003.jpg} gives {@code hole/0003.jpg.png}, so that it and {@code hole/0003.png}
   * keep a picture each); {@code <index>-<class>.png} for others.
   */
  static String name(ImageDataset images, int i) {
    String source = images.source(i);
    if (source != null) {
      return source.endsWith(".png") ? source : source + ".png";
    }
    int label = images.label(i);
    String cls = label == ImageDataset.NO_LABEL ? "" : "-" + images.className(label);
    return String.format(Locale.ROOT, "%05d%s.png", i, cls.replaceAll("[^A-Za-z0-9._-]", "_"));
  }
}
