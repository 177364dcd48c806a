package io.vaestream.tools;

import io.vaestream.events.AnomalyScore;
import io.vaestream.events.Box;
import io.vaestream.events.Localization;
import io.vaestream.schemas.ModelFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Pictures of the localization that flagged events carry, for {@code tail --maps}. */
final class MapPictures {
  private static final int ZOOM_TO = 256;
  /** Characters of an event id kept in a file name; file systems allow 255 bytes. */
  private static final int MAX_NAME = 120;

  private MapPictures() {}

  /**
   * Writes {@code DIR/<event id>.png}: the map in false colour (black, red, yellow; the pixel
   * threshold is the middle), its boxes in cyan and the peak as a cross, enlarged to about 256
   * pixels.
   */
  static Path write(AnomalyScore s, Path dir) throws IOException {
    BufferedImage out = picture(s.getLocalization());
    Files.createDirectories(dir);
    Path file = dir.resolve(fileName(s.getEventId()));
    ImageIO.write(out, "png", file.toFile());
    return file;
  }

  /**
   * The picture's file name for {@code eventId}: the id itself where it is a safe file name of
   * at most {@value #MAX_NAME} characters; otherwise its safe characters, cut to that length, and
   * the first 8 hex digits of its SHA-256, so that ids differing only in unsafe characters
   * ({@code cam/1}, {@code cam:1}) get pictures of their own.
   */
  static String fileName(String eventId) {
    // a leading dot would hide the picture, and "." and ".." are no file names
    String safe = eventId.replaceAll("[^A-Za-z0-9._-]|^\\.", "_");
    if (safe.equals(eventId) && !safe.isEmpty() && safe.length() <= MAX_NAME) {
      return safe + ".png";
    }
    String digest = ModelFiles.sha256(eventId.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
    return safe.substring(0, Math.min(safe.length(), MAX_NAME)) + "~" + digest + ".png";
  }

  /** The map in false colour with its boxes and peak, enlarged to about 256 pixels. */
  static BufferedImage picture(Localization loc) throws IOException {
    BufferedImage map = ImageIO.read(new ByteArrayInputStream(loc.getMapPng().array()));
    int zoom = Math.max(1, ZOOM_TO / Math.max(map.getWidth(), map.getHeight()));
    BufferedImage out = new BufferedImage(
        map.getWidth() * zoom, map.getHeight() * zoom, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < out.getHeight(); y++) {
      for (int x = 0; x < out.getWidth(); x++) {
        float v = map.getRaster().getSample(x / zoom, y / zoom, 0) / 255f;
        out.setRGB(x, y, heatColour(v));
      }
    }
    drawMarks(out, loc);
    return out;
  }

  /** The false colour of a map value {@code v} in [0, 1]: black, red at 0.5, yellow at 1. */
  static int heatColour(float v) {
    int r = (int) (255 * Math.min(1f, 2 * v));
    int g = (int) (255 * Math.max(0f, 2 * v - 1));
    return r << 16 | g << 8;
  }

  /** Draws {@code loc}'s boxes and its peak (a cross) on {@code picture}, which shows the sent image at any scale. */
  static void drawMarks(BufferedImage picture, Localization loc) {
    Graphics2D g = picture.createGraphics();
    drawBoxes(g, picture, loc);
    // the peak, like the boxes, is in the sent image's pixels
    double sx = (double) picture.getWidth() / loc.getImageWidth();
    double sy = (double) picture.getHeight() / loc.getImageHeight();
    g.setColor(Color.WHITE);
    // at the middle of the peak's pixel, however enlarged
    int px = (int) ((loc.getPeakX() + 0.5) * sx);
    int py = (int) ((loc.getPeakY() + 0.5) * sy);
    g.drawLine(px - 5, py, px + 5, py);
    g.drawLine(px, py - 5, px, py + 5);
    g.dispose();
  }

  /** {@code image} enlarged like {@link #picture}, with the boxes drawn over it. */
  static BufferedImage overImage(BufferedImage image, Localization loc) {
    int zoom = Math.max(1, ZOOM_TO / Math.max(image.getWidth(), image.getHeight()));
    BufferedImage out = new BufferedImage(
        image.getWidth() * zoom, image.getHeight() * zoom, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(image, 0, 0, out.getWidth(), out.getHeight(), null);
    drawBoxes(g, out, loc);
    g.dispose();
    return out;
  }

  /**
   * Draws {@code loc}'s boxes, given in the sent image's pixels, on {@code picture}, which shows
   * that image at any scale.
   */
  private static void drawBoxes(Graphics2D g, BufferedImage picture, Localization loc) {
    double sx = (double) picture.getWidth() / loc.getImageWidth();
    double sy = (double) picture.getHeight() / loc.getImageHeight();
    g.setStroke(new BasicStroke(2f));
    g.setColor(Color.CYAN);
    for (Box b : loc.getBoxes()) {
      g.drawRect(
          (int) (b.getX() * sx), (int) (b.getY() * sy), (int) Math.max(1, b.getWidth() * sx), (int)
              Math.max(1, b.getHeight() * sy));
    }
  }

  /**
   * The event as one JSON line; a map's PNG bytes are left out (an empty string), since {@code
   * --maps} writes them as pictures and they would swamp the line.
   */
  static String printable(AnomalyScore s) {
    Localization loc = s.getLocalization();
    if (loc == null) {
      return s.toString();
    }
    return AnomalyScore.newBuilder(s)
        .setLocalization(
            Localization.newBuilder(loc).setMapPng(ByteBuffer.allocate(0)).build())
        .build()
        .toString();
  }
}
