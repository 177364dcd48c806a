package io.vaestream.detector.testing;

import io.vaestream.events.ImageEvent;
import io.vaestream.events.PixelFormat;
import io.vaestream.schemas.AvroSerdes;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Image events and PNG files for detector tests. */
public final class Images {
  private Images() {}

  /** 784 seeded grey pixels. */
  public static byte[] gray(long seed) {
    byte[] px = new byte[784];
    new SplittableRandom(seed).nextBytes(px);
    return px;
  }

  public static ImageEvent event(
      String id, byte[] pixels, int width, int height, PixelFormat format, int channels) {
    return ImageEvent.newBuilder()
        .setId(id)
        .setSource("camera-1")
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
        .setWidth(width)
        .setHeight(height)
        .setChannels(channels)
        .setPixelFormat(format)
        .setPixels(ByteBuffer.wrap(pixels))
        .setLabel("3")
        .setAnomalous(false)
        .setAttributes(Map.of("line", "A"))
        .build();
  }

  public static byte[] eventBytes(String id, long seed) {
    return AvroSerdes.encode(event(id, gray(seed), 28, 28, PixelFormat.GRAY8, 1));
  }

  /** The tensor the detector must build from {@link #gray}. */
  public static float[] tensor(long seed) {
    byte[] px = gray(seed);
    float[] t = new float[px.length];
    for (int i = 0; i < px.length; i++) {
      t[i] = (px[i] & 0xFF) / 255f;
    }
    return t;
  }

  public static byte[] png(int width, int height, int type) {
    return encode(new BufferedImage(width, height, type), "png");
  }

  /** A black JPEG of the given size and type, as a camera would send it. */
  public static byte[] jpeg(int width, int height, int type) {
    return encode(new BufferedImage(width, height, type), "jpeg");
  }

  /** A grey JPEG of seeded noise: most of its bytes are image data. */
  public static byte[] jpegOfNoise(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    Random r = new Random(7);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.getRaster().setSample(x, y, 0, r.nextInt(256));
      }
    }
    return encode(img, "jpeg");
  }

  public static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
