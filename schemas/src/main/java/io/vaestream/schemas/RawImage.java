package io.vaestream.schemas;

import io.vaestream.events.PixelFormat;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Pixels as they arrive, before the {@link ImageContract} turns them into a tensor: a format, a
 * size and the samples, interleaved and row by row. Decoded PNG and JPEG files become one of these
 * ({@link #of(BufferedImage)}) so that files, IDX data and Avro events all enter the contract
 * through the same door.
 */
public record RawImage(PixelFormat format, int width, int height, byte[] pixels) {

  public RawImage {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(pixels, "pixels");
  }

  /**
   * The samples of a decoded image: {@link PixelFormat#GRAY8} for a grey one (1 to 16 bits, with or
   * without alpha, or a palette of greys; 16-bit levels keep their high byte), otherwise interleaved {@link
   * PixelFormat#RGB8} (palette, RGB, with alpha). Alpha is dropped. Grey samples are read as they
   * are: through {@code getRGB} a grey colour space is converted to sRGB, which brightened a 16-bit
   * level of 128 to 188.
   */
  public static RawImage of(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    ColorModel cm = image.getColorModel();
    if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
        && !(cm instanceof IndexColorModel)
        && cm.getNumColorComponents() == 1) {
      int shift = Math.max(0, cm.getComponentSize(0) - 8);
      int[] samples = image.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
      byte[] out = new byte[samples.length];
      for (int i = 0; i < samples.length; i++) {
        out[i] = (byte) (samples[i] >> shift);
      }
      return new RawImage(PixelFormat.GRAY8, w, h, out);
    }
    if (cm instanceof IndexColorModel palette && isGrey(palette)) {
      // 1, 2 and 4-bit grey PNGs decode with a palette of greys
      int[] index = image.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
      byte[] out = new byte[index.length];
      for (int i = 0; i < index.length; i++) {
        out[i] = (byte) palette.getRed(index[i]);
      }
      return new RawImage(PixelFormat.GRAY8, w, h, out);
    }
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    byte[] out = new byte[argb.length * 3];
    for (int i = 0; i < argb.length; i++) {
      out[3 * i] = (byte) (argb[i] >> 16);
      out[3 * i + 1] = (byte) (argb[i] >> 8);
      out[3 * i + 2] = (byte) argb[i];
    }
    return new RawImage(PixelFormat.RGB8, w, h, out);
  }

  private static boolean isGrey(IndexColorModel palette) {
    for (int i = 0; i < palette.getMapSize(); i++) {
      int r = palette.getRed(i);
      if (palette.getGreen(i) != r || palette.getBlue(i) != r) {
        return false;
      }
    }
    return true;
  }

  /** What a caller checks of the size an image's header declares, before any pixel is decoded. */
  @FunctionalInterface
  public interface SizeCheck {
    void check(int width, int height) throws IOException;
  }

  /**
   * Decodes the first image of {@code in} with the first ImageIO reader that takes it, after
   * {@code check} has seen the size its header declares, so that a file that declares a huge image
   * costs nothing; null when no reader takes it. Fails on a file that ends early, as {@link #read}.
   */
  public static RawImage decode(ImageInputStream in, SizeCheck check) throws IOException {
    Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
    if (readers == null || !readers.hasNext()) {
      return null;
    }
    ImageReader reader = readers.next();
    try {
      reader.setInput(in, true, true);
      check.check(reader.getWidth(0), reader.getHeight(0));
      return read(reader);
    } finally {
      reader.dispose();
    }
  }

  /**
   * Decodes image 0 of {@code reader}, whose input is set, failing on a file that ends early:
   * ImageIO's JPEG decoder only warns ("premature end of data segment"), fills the missing rows with
   * grey and carries on, and a cut-off camera frame would be trained on or scored as if whole.
   * Other warnings (extraneous bytes before a marker, which some cameras write) are no reason to
   * refuse an image.
   */
  public static RawImage read(ImageReader reader) throws IOException {
    List<String> cutOff = new ArrayList<>();
    reader.addIIOReadWarningListener((source, warning) -> {
      if (warning != null && warning.toLowerCase(Locale.ROOT).contains("premature end")) {
        cutOff.add(warning);
      }
    });
    BufferedImage img = reader.read(0);
    if (!cutOff.isEmpty()) {
      throw new IIOException("the file ends early (" + cutOff.get(0) + ")");
    }
    return of(img);
  }

  /** A grey or RGB image of these pixels, for writing as PNG. */
  public BufferedImage toBufferedImage() {
    int bpp = ImageContract.bytesPerPixel(format);
    if (format == PixelFormat.GRAY_F32) {
      throw new IllegalStateException("float pixels have no 8-bit image");
    }
    BufferedImage img = new BufferedImage(
        width, height, bpp == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
    if (bpp == 1) {
      img.getRaster().setDataElements(0, 0, width, height, pixels);
      return img;
    }
    int[] rgb = new int[width * height];
    for (int i = 0; i < rgb.length; i++) {
      int p = i * bpp;
      rgb[i] = (pixels[p] & 0xFF) << 16 | (pixels[p + 1] & 0xFF) << 8 | pixels[p + 2] & 0xFF;
    }
    img.setRGB(0, 0, width, height, rgb, 0, width);
    return img;
  }
}
