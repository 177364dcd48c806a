package io.vaestream.trainer.report;

import io.vaestream.schemas.ImageContract;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Small PNG plots drawn with Java2D: image grids, heatmaps, histograms, ROC curves, scatters. */
public final class Plots {
  /** A qualitative palette, one colour per class. */
  public static final Color[] PALETTE = {
    new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
        new Color(214, 39, 40),
    new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194),
        new Color(127, 127, 127),
    new Color(188, 189, 34), new Color(23, 190, 207)
  };

  private static final int W = 640;
  private static final int H = 420;
  private static final int MARGIN = 50;

  private Plots() {}

  /** Tiles images (values in [0, 1]) into a grid, {@code cols} per row, each scaled by {@code zoom}. */
  public static BufferedImage grid(List<float[]> images, ImageContract c, int cols, int zoom) {
    int rows = Math.max(1, (images.size() + cols - 1) / cols);
    int cw = c.width() * zoom + 2;
    int ch = c.height() * zoom + 2;
    BufferedImage out = new BufferedImage(cols * cw, rows * ch, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.DARK_GRAY);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    g.dispose();
    for (int k = 0; k < images.size(); k++) {
      draw(out, images.get(k), c, (k % cols) * cw + 1, (k / cols) * ch + 1, zoom, false);
    }
    return out;
  }

  /** Like {@link #grid}, drawing {@code heat[k]} images with a black–red–yellow colour map. */
  public static BufferedImage rows(
      List<List<float[]>> rows, List<Boolean> heat, ImageContract c, int zoom) {
    int cols = heat.size();
    int cw = c.width() * zoom + 2;
    int ch = c.height() * zoom + 2;
    BufferedImage out =
        new BufferedImage(cols * cw, Math.max(1, rows.size()) * ch, BufferedImage.TYPE_INT_RGB);
    for (int r = 0; r < rows.size(); r++) {
      for (int k = 0; k < cols; k++) {
        draw(out, rows.get(r).get(k), c, k * cw + 1, r * ch + 1, zoom, heat.get(k));
      }
    }
    return out;
  }

  private static void draw(
      BufferedImage out, float[] img, ImageContract c, int x0, int y0, int zoom, boolean heat) {
    int plane = c.width() * c.height();
    float max = 1f;
    if (heat) {
      max = 1e-6f;
      for (int i = 0; i < plane; i++) {
        max = Math.max(max, img[i]);
      }
    }
    for (int y = 0; y < c.height(); y++) {
      for (int x = 0; x < c.width(); x++) {
        int i = y * c.width() + x;
        int rgb;
        if (heat) {
          float v = Math.min(1f, img[i] / max);
          int r = (int) (255 * Math.min(1f, v * 2));
          int gg = (int) (255 * Math.max(0f, v * 2 - 1));
          rgb = (r << 16) | (gg << 8);
        } else if (c.channels() == 3) {
          rgb = (byte255(img[i]) << 16)
              | (byte255(img[plane + i]) << 8)
              | byte255(img[2 * plane + i]);
        } else {
          int v = byte255(img[i]);
          rgb = (v << 16) | (v << 8) | v;
        }
        for (int dy = 0; dy < zoom; dy++) {
          for (int dx = 0; dx < zoom; dx++) {
            out.setRGB(x0 + x * zoom + dx, y0 + y * zoom + dy, rgb);
          }
        }
      }
    }
  }

  /** Two overlaid score histograms (normal blue, anomalous orange) and a threshold line. */
  public static BufferedImage histogram(
      String title, double[] normal, double[] anomalous, double threshold) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] a : new double[][] {normal, anomalous}) {
      for (double v : a) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    // Clip the long right tail at the 99th percentile of everything, so the bulk stays readable.
    double[] all = new double[normal.length + anomalous.length];
    System.arraycopy(normal, 0, all, 0, normal.length);
    System.arraycopy(anomalous, 0, all, normal.length, anomalous.length);
    Arrays.sort(all);
    hi = Math.max(
        all[(int) (0.99 * (all.length - 1))], Double.isFinite(threshold) ? threshold * 1.05 : hi);
    int bins = 60;
    double[] hn = bin(normal, lo, hi, bins);
    double[] ha = bin(anomalous, lo, hi, bins);
    double top = 0;
    for (int i = 0; i < bins; i++) {
      top = Math.max(top, Math.max(hn[i], ha[i]));
    }
    Canvas cv = new Canvas(title, "score", "fraction of images");
    double bw = (double) (W - 2 * MARGIN) / bins;
    for (int i = 0; i < bins; i++) {
      cv.bar(i * bw, bw, ha[i] / top, new Color(255, 127, 14, 150));
      cv.bar(i * bw, bw, hn[i] / top, new Color(31, 119, 180, 150));
    }
    if (Double.isFinite(threshold)) {
      int x = MARGIN + (int) ((threshold - lo) / (hi - lo) * (W - 2 * MARGIN));
      cv.g.setColor(Color.BLACK);
      cv.g.setStroke(new BasicStroke(
          2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
      cv.g.drawLine(x, MARGIN, x, H - MARGIN);
    }
    cv.legend(
        new String[] {"normal", "anomalous", "threshold"},
        new Color[] {PALETTE[0], PALETTE[1], Color.BLACK});
    cv.g.setColor(Color.DARK_GRAY);
    cv.g.drawString(String.format(Locale.ROOT, "%.3g", lo), MARGIN, H - MARGIN + 15);
    cv.g.drawString(String.format(Locale.ROOT, "%.3g", hi), W - MARGIN - 40, H - MARGIN + 15);
    return cv.done();
  }

  /** ROC curves, one per series. */
  public static BufferedImage roc(String title, List<String> names, List<double[][]> curves) {
    Canvas cv = new Canvas(title, "false-positive rate", "true-positive rate");
    cv.g.setColor(Color.LIGHT_GRAY);
    cv.line(0, 0, 1, 1);
    for (int s = 0; s < curves.size(); s++) {
      cv.g.setColor(PALETTE[s % PALETTE.length]);
      cv.g.setStroke(new BasicStroke(1.6f));
      double[][] pts = curves.get(s);
      for (int i = 1; i < pts.length; i++) {
        cv.line(pts[i - 1][0], pts[i - 1][1], pts[i][0], pts[i][1]);
      }
    }
    Color[] colors = new Color[names.size()];
    for (int i = 0; i < colors.length; i++) {
      colors[i] = PALETTE[i % PALETTE.length];
    }
    cv.legend(names.toArray(new String[0]), colors);
    return cv.done();
  }

  /** A 2-D scatter coloured by label. */
  public static BufferedImage scatter(
      String title, double[] xs, double[] ys, int[] labels, List<String> names) {
    double minX = Arrays.stream(xs).min().orElse(0);
    double maxX = Arrays.stream(xs).max().orElse(1);
    double minY = Arrays.stream(ys).min().orElse(0);
    double maxY = Arrays.stream(ys).max().orElse(1);
    Canvas cv = new Canvas(title, "component 1", "component 2");
    for (int i = 0; i < xs.length; i++) {
      cv.g.setColor(PALETTE[Math.floorMod(labels[i], PALETTE.length)]);
      double fx = (xs[i] - minX) / Math.max(1e-12, maxX - minX);
      double fy = (ys[i] - minY) / Math.max(1e-12, maxY - minY);
      int px = MARGIN + (int) (fx * (W - 2 * MARGIN));
      int py = H - MARGIN - (int) (fy * (H - 2 * MARGIN));
      cv.g.fillOval(px - 2, py - 2, 4, 4);
    }
    Color[] colors = new Color[names.size()];
    for (int i = 0; i < colors.length; i++) {
      colors[i] = PALETTE[i % PALETTE.length];
    }
    cv.legend(names.toArray(new String[0]), colors);
    return cv.done();
  }

  public static void write(BufferedImage img, Path file) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    ImageIO.write(img, "png", file.toFile());
  }

  private static double[] bin(double[] v, double lo, double hi, int bins) {
    double[] h = new double[bins];
    for (double x : v) {
      int b = (int) ((x - lo) / (hi - lo) * bins);
      h[Math.max(0, Math.min(bins - 1, b))] += 1.0 / Math.max(1, v.length);
    }
    return h;
  }

  private static int byte255(float v) {
    return Math.max(0, Math.min(255, Math.round(v * 255)));
  }

  /** A white plotting area with axes, in unit coordinates. */
  private static final class Canvas {
    final BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    final Graphics2D g = img.createGraphics();

    Canvas(String title, String xLabel, String yLabel) {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, W, H);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      g.drawString(title, MARGIN, 25);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      g.drawRect(MARGIN, MARGIN, W - 2 * MARGIN, H - 2 * MARGIN);
      g.drawString(xLabel, W / 2 - 40, H - 15);
      g.rotate(-Math.PI / 2);
      g.drawString(yLabel, -H / 2 - 40, 15);
      g.rotate(Math.PI / 2);
    }

    void bar(double x, double width, double frac, Color c) {
      g.setColor(c);
      int h = (int) (frac * (H - 2 * MARGIN));
      g.fillRect(MARGIN + (int) x, H - MARGIN - h, Math.max(1, (int) width), h);
    }

    void line(double x0, double y0, double x1, double y1) {
      g.drawLine(px(x0), py(y0), px(x1), py(y1));
    }

    int px(double x) {
      return MARGIN + (int) (x * (W - 2 * MARGIN));
    }

    int py(double y) {
      return H - MARGIN - (int) (y * (H - 2 * MARGIN));
    }

    void legend(String[] names, Color[] colors) {
      int y = MARGIN + 14;
      for (int i = 0; i < names.length; i++) {
        g.setColor(colors[i]);
        g.fillRect(W - MARGIN - 130, y - 9, 10, 10);
        g.setColor(Color.BLACK);
        g.drawString(names[i], W - MARGIN - 115, y);
        y += 15;
      }
    }

    BufferedImage done() {
      g.dispose();
      return img;
    }
  }
}
