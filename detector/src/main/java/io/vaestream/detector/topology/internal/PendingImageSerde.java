package io.vaestream.detector.topology.internal;

import io.vaestream.detector.preprocess.ImageInput;
import io.vaestream.events.PixelFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary form of {@link PendingImage} for the batch store and its changelog: the coordinates and
 * fields a score carries, then the pixel format and the raw pixels as they arrived (one byte per
 * 8-bit sample; nothing is converted or rounded on the way through the store), and the size the
 * image was sent at. Text is written as UTF-8 after its length. Records of versions 2 and 3 (text
 * in Java's modified UTF-8; version 2 without the size, read as 0: the model's own) are still read,
 * so a detector upgraded with images in its store scores them.
 */
public final class PendingImageSerde {
  private static final byte VERSION = 4;
  /**
   * Version 3 wrote text with {@link DataOutputStream#writeUTF}, which refuses more than 65,535
   * bytes: an attribute that long stopped the stream thread on every retry of its record.
   */
  private static final byte VERSION_MODIFIED_UTF = 3;
  /** Version 2 had no source size either: its images were sent at the model's size. */
  private static final byte VERSION_WITHOUT_SOURCE_SIZE = 2;

  private static final PixelFormat[] FORMATS = PixelFormat.values();

  private PendingImageSerde() {}

  public static Serde<PendingImage> serde() {
    Serializer<PendingImage> ser = (topic, p) -> p == null ? null : write(p);
    Deserializer<PendingImage> de = (topic, b) -> b == null ? null : read(b);
    return Serdes.serdeFrom(ser, de);
  }

  static byte[] write(PendingImage p) {
    try {
      // Sized up front so that the pixels are copied once.
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(
          256 + p.image().pixels().length + (p.key() == null ? 0 : p.key().length));
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      writeBytes(out, p.key());
      ImageInput image = p.image();
      writeText(out, image.id());
      writeText(out, image.source());
      out.writeLong(image.eventTime());
      writeText(out, image.label());
      out.writeByte(image.anomalous() == null ? -1 : image.anomalous() ? 1 : 0);
      out.writeInt(image.attributes().size());
      for (Map.Entry<String, String> e : image.attributes().entrySet()) {
        writeText(out, e.getKey());
        writeText(out, e.getValue());
      }
      writeText(out, p.topic());
      out.writeInt(p.partition());
      out.writeLong(p.offset());
      out.writeLong(p.timestamp());
      out.writeLong(p.readTimeMs());
      out.writeByte(image.format().ordinal());
      writeBytes(out, image.pixels());
      out.writeInt(image.sourceWidth());
      out.writeInt(image.sourceHeight());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static PendingImage read(byte[] b) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      byte version = in.readByte();
      if (version != VERSION
          && version != VERSION_MODIFIED_UTF
          && version != VERSION_WITHOUT_SOURCE_SIZE) {
        throw new IllegalStateException("pending image format " + version + " is not " + VERSION
            + "; the batch store was written by another detector version");
      }
      byte[] key = readBytes(in);
      boolean utf8 = version == VERSION;
      String id = readText(in, utf8);
      String source = readText(in, utf8);
      long eventTime = in.readLong();
      String label = utf8 ? readText(in, true) : in.readBoolean() ? in.readUTF() : null;
      byte a = in.readByte();
      Boolean anomalous = a < 0 ? null : a == 1;
      int n = in.readInt();
      Map<String, String> attributes = new HashMap<>();
      for (int i = 0; i < n; i++) {
        attributes.put(readText(in, utf8), readText(in, utf8));
      }
      String topic = readText(in, utf8);
      int partition = in.readInt();
      long offset = in.readLong();
      long timestamp = in.readLong();
      long readTime = in.readLong();
      PixelFormat format = FORMATS[in.readByte()];
      byte[] pixels = readBytes(in);
      boolean sized = version != VERSION_WITHOUT_SOURCE_SIZE;
      int sourceWidth = sized ? in.readInt() : 0;
      int sourceHeight = sized ? in.readInt() : 0;
      ImageInput image = new ImageInput(
          id,
          source,
          eventTime,
          label,
          anomalous,
          attributes,
          format,
          pixels,
          sourceWidth,
          sourceHeight);
      return new PendingImage(key, image, topic, partition, offset, timestamp, readTime);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Text as its UTF-8 bytes after their length (-1: null), of any length. */
  private static void writeText(DataOutputStream out, String s) throws IOException {
    writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
  }

  /** Text as {@link #writeText} wrote it, or as versions before 4 did ({@code utf8} false). */
  private static String readText(DataInputStream in, boolean utf8) throws IOException {
    if (!utf8) {
      return in.readUTF();
    }
    byte[] b = readBytes(in);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b == null ? -1 : b.length);
    if (b != null) {
      out.write(b);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
