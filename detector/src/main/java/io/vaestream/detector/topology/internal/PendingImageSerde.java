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
 * image was sent at. Text is written in Java's modified UTF-8 (version 3) where it fits, so that a
 * detector rolled back to an older one still reads its store, and as UTF-8 after its length
 * (version 4) where it does not (more than 21,845 chars). Version 2 records (without the size, read
 * as 0: the model's own) are still read.
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
  /** Chars of text that modified UTF-8 always holds: 65,535 bytes at most 3 a char. */
  private static final int MODIFIED_UTF_CHARS = 0xFFFF / 3;

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
      ImageInput image = p.image();
      // Version 3 wherever it can hold the text, so that a detector rolled back to one that reads
      // only version 3 still restores its store; version 4 for text past modified UTF-8's limit.
      boolean utf8 = !fitsModifiedUtf(p);
      out.writeByte(utf8 ? VERSION : VERSION_MODIFIED_UTF);
      writeBytes(out, p.key());
      writeText(out, image.id(), utf8);
      writeText(out, image.source(), utf8);
      out.writeLong(image.eventTime());
      writeNullableText(out, image.label(), utf8);
      out.writeByte(image.anomalous() == null ? -1 : image.anomalous() ? 1 : 0);
      out.writeInt(image.attributes().size());
      for (Map.Entry<String, String> e : image.attributes().entrySet()) {
        writeText(out, e.getKey(), utf8);
        writeText(out, e.getValue(), utf8);
      }
      writeText(out, p.topic(), utf8);
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
      String label = readNullableText(in, utf8);
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

  /**
   * Whether every text of {@code p} surely fits {@link DataOutputStream#writeUTF} (65,535 bytes,
   * up to 3 a char); a longer text makes the record version 4.
   */
  private static boolean fitsModifiedUtf(PendingImage p) {
    ImageInput image = p.image();
    if (!fits(image.id()) || !fits(image.source()) || !fits(image.label()) || !fits(p.topic())) {
      return false;
    }
    for (Map.Entry<String, String> e : image.attributes().entrySet()) {
      if (!fits(e.getKey()) || !fits(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static boolean fits(String s) {
    return s == null || s.length() <= MODIFIED_UTF_CHARS;
  }

  /**
   * Text as its UTF-8 bytes after their length (-1: null), of any length; or with {@code utf8}
   * false as {@link DataOutputStream#writeUTF} (never null there).
   */
  private static void writeText(DataOutputStream out, String s, boolean utf8) throws IOException {
    if (utf8) {
      writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    } else {
      out.writeUTF(s);
    }
  }

  /** Text or null: version 4's length says null (-1); before it a flag came first. */
  private static void writeNullableText(DataOutputStream out, String s, boolean utf8)
      throws IOException {
    if (!utf8) {
      out.writeBoolean(s != null);
      if (s == null) {
        return;
      }
    }
    writeText(out, s, utf8);
  }

  private static String readNullableText(DataInputStream in, boolean utf8) throws IOException {
    return utf8 || in.readBoolean() ? readText(in, utf8) : null;
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
