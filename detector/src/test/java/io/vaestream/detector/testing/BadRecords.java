package io.vaestream.detector.testing;

import io.vaestream.detector.preprocess.RejectReason;
import io.vaestream.events.ImageEvent;
import io.vaestream.events.PixelFormat;
import io.vaestream.schemas.AvroSerdes;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A corpus of hostile and malformed record values, each with the reason it must be rejected for. */
public final class BadRecords {
  /** One bad value and the dead-letter reason it must get. */
  public record Case(String name, byte[] value, RejectReason reason) {
    @Override
    public String toString() {
      return name + " -> " + reason;
    }
  }

  private BadRecords() {}

  /** Every case, for a detector whose {@code max.record.bytes} is {@code maxRecordBytes}. */
  public static List<Case> all(int maxRecordBytes) {
    byte[] good = Images.eventBytes("good", 1);
    byte[] png = Images.png(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    List<Case> c = new ArrayList<>();
    c.add(new Case("empty value", new byte[0], RejectReason.EMPTY_VALUE));
    c.add(new Case("null value", null, RejectReason.EMPTY_VALUE));
    c.add(new Case("oversized value", new byte[maxRecordBytes + 1], RejectReason.TOO_LARGE));
    c.add(new Case(
        "text", "hello, detector".getBytes(StandardCharsets.UTF_8), RejectReason.UNKNOWN_FORMAT));
    byte[] random = new byte[900];
    new Random(7).nextBytes(random);
    random[0] = 0x11;
    c.add(new Case("random bytes", random, RejectReason.UNKNOWN_FORMAT));
    byte[] wrongMarker = good.clone();
    wrongMarker[1] = 0x02;
    c.add(new Case("wrong Avro marker", wrongMarker, RejectReason.UNKNOWN_FORMAT));
    c.add(new Case(
        "another registry framing (magic byte 01)",
        new byte[] {1, 0, 0, 0, 9, 2, 'x'},
        RejectReason.UNSUPPORTED_FRAMING));
    c.add(new Case(
        "Confluent wire format without a registry",
        new byte[] {0, 0, 0, 0, 9, 2, 'x'},
        RejectReason.NO_SCHEMA_REGISTRY));
    byte[] unknownFp = good.clone();
    unknownFp[5] ^= 0x55;
    c.add(new Case("unknown schema fingerprint", unknownFp, RejectReason.UNKNOWN_SCHEMA));
    c.add(new Case("truncated Avro", Arrays.copyOf(good, good.length / 2), RejectReason.BAD_AVRO));
    c.add(new Case("Avro header only", Arrays.copyOf(good, 10), RejectReason.BAD_AVRO));
    c.add(new Case("truncated PNG", Arrays.copyOf(png, 40), RejectReason.BAD_PNG));
    c.add(new Case("PNG without IHDR", Arrays.copyOf(png, 20), RejectReason.BAD_PNG));
    byte[] jpeg = Images.jpeg(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    c.add(new Case("truncated JPEG", Arrays.copyOf(jpeg, 30), RejectReason.BAD_JPEG));
    byte[] noisy = Images.jpegOfNoise(28, 28);
    c.add(new Case(
        "JPEG cut in its image data (ImageIO only warns)",
        Arrays.copyOf(noisy, noisy.length * 2 / 3),
        RejectReason.BAD_JPEG));
    c.add(new Case(
        "JPEG of the wrong size",
        Images.jpeg(64, 48, java.awt.image.BufferedImage.TYPE_BYTE_GRAY),
        RejectReason.WRONG_DIMENSIONS));
    byte[] bomb = png.clone();
    ByteBuffer.wrap(bomb, 16, 8).putInt(100_000).putInt(100_000);
    c.add(new Case("PNG declaring 100000x100000", bomb, RejectReason.WRONG_DIMENSIONS));
    byte[] rgb16 = Images.png(28, 28, BufferedImage.TYPE_INT_RGB);
    rgb16[24] = 16; // IHDR's bit depth: 16-bit colour (16-bit grey is read)
    c.add(new Case("16-bit colour PNG", rgb16, RejectReason.UNSUPPORTED_PNG));
    c.add(new Case(
        "PNG of the wrong size",
        Images.png(32, 32, BufferedImage.TYPE_BYTE_GRAY),
        RejectReason.WRONG_DIMENSIONS));
    c.add(new Case(
        "wrong dimensions",
        event("d", Images.gray(1), 27, 29, PixelFormat.GRAY8, 1),
        RejectReason.WRONG_DIMENSIONS));
    c.add(new Case(
        "wrong channel count",
        event("c", new byte[784], 28, 28, PixelFormat.GRAY8, 3),
        RejectReason.WRONG_CHANNELS));
    c.add(new Case(
        "pixel bytes short",
        event("s", new byte[783], 28, 28, PixelFormat.GRAY8, 1),
        RejectReason.SIZE_MISMATCH));
    c.add(new Case(
        "NaN pixel",
        event("n", floats(Float.NaN), 28, 28, PixelFormat.GRAY_F32, 1),
        RejectReason.NON_FINITE));
    c.add(new Case(
        "Inf pixel",
        event("i", floats(Float.NEGATIVE_INFINITY), 28, 28, PixelFormat.GRAY_F32, 1),
        RejectReason.NON_FINITE));
    c.add(new Case(
        "pixel above 1",
        event("o", floats(3f), 28, 28, PixelFormat.GRAY_F32, 1),
        RejectReason.OUT_OF_RANGE));
    c.add(new Case(
        "empty id",
        event("", Images.gray(1), 28, 28, PixelFormat.GRAY8, 1),
        RejectReason.MISSING_FIELD));
    // Past 65,535 bytes an id or attribute once stopped the stream thread (the batch store wrote
    // text in modified UTF-8); anything this long is more than a score should copy.
    c.add(new Case(
        "id of 70,000 characters",
        event("x".repeat(70_000), Images.gray(1), 28, 28, PixelFormat.GRAY8, 1),
        RejectReason.METADATA_TOO_LARGE));
    ImageEvent heavy = Images.event("heavy", Images.gray(1), 28, 28, PixelFormat.GRAY8, 1);
    heavy.setAttributes(Map.of("recipe", "ü".repeat(40_000))); // 80,000 bytes
    c.add(new Case(
        "attributes of 80,000 bytes", AvroSerdes.encode(heavy), RejectReason.METADATA_TOO_LARGE));
    return c;
  }

  private static byte[] event(String id, byte[] px, int w, int h, PixelFormat f, int channels) {
    return AvroSerdes.encode(Images.event(id, px, w, h, f, channels));
  }

  private static byte[] floats(float poison) {
    ByteBuffer b = ByteBuffer.allocate(784 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 784; i++) {
      b.putFloat(i == 100 ? poison : 0.5f);
    }
    return b.array();
  }
}
