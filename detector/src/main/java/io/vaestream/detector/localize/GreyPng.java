package io.vaestream.detector.localize;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.Adler32;
import java.util.zip.CRC32;

/**
 * Writes an 8-bit grey PNG: one IHDR, one IDAT, one IEND, as the PNG specification lays them out,
 * into one array of its exact size. ImageIO takes about 250 µs for a 28 × 28 map (writer lookup,
 * stream wrappers, metadata), which capped the detector at about 3,500 flagged events/s.
 *
 * <p>The IDAT is a zlib stream of stored (uncompressed) deflate blocks (RFC 1950 and 1951), with
 * no row filter, written here rather than by {@link java.util.zip.Deflater}. Deflate at its fastest
 * level took 10 µs for a 28 × 28 map (mostly building Huffman trees for a few hundred bytes) and
 * 100 µs at 128 × 128; with 78 % of events flagged, zlib was about 40 % of the detector's stream
 * thread. Stored, the maps are larger (0.9 KB instead of 0.6 KB at 28 × 28, 16.6 KB instead of
 * 9.9 KB at 128 × 128, a smooth map with some noise); flagged events are the rare ones on an
 * inspection line, so their bytes matter less than the time of the stream thread, which every
 * event shares. A {@code Deflater} set to store still set up and freed zlib's native state (about
 * 256 KB) for every map ({@code ./vaestream jmh LocalizerBenchmark} times the whole localization).
 */
final class GreyPng {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte[] IHDR = "IHDR".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] IDAT = "IDAT".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] IEND = "IEND".getBytes(StandardCharsets.US_ASCII);
  /** The most bytes a stored deflate block holds (its length is an unsigned 16-bit number). */
  private static final int MAX_STORED = 0xFFFF;
  /** A chunk's length, type and CRC around its data. */
  private static final int CHUNK = 12;

  private GreyPng() {}

  /** The bytes of the PNG of a {@code width × height} map (the same for every map of that size). */
  static long size(int width, int height) {
    return SIGNATURE.length + CHUNK + 13 + CHUNK + zlibSize((long) height * (width + 1)) + CHUNK;
  }

  /** zlib: a 2-byte header, each stored block's 5-byte header and its bytes, the Adler-32. */
  private static long zlibSize(long raw) {
    long blocks = Math.max(1, (raw + MAX_STORED - 1) / MAX_STORED);
    return 2 + 5 * blocks + raw + 4;
  }

  /** The PNG of {@code pixels}, {@code width × height} grey levels row by row. */
  static byte[] encode(byte[] pixels, int width, int height) {
    // the image data: each row starts with its filter type, 0 (none)
    byte[] raw = new byte[Math.multiplyExact(height, width + 1)];
    for (int y = 0; y < height; y++) {
      System.arraycopy(pixels, y * width, raw, y * (width + 1) + 1, width);
    }
    int blocks = Math.max(1, (raw.length + MAX_STORED - 1) / MAX_STORED);
    int zlib = Math.toIntExact(zlibSize(raw.length));
    ByteBuffer png = ByteBuffer.allocate(Math.toIntExact(size(width, height)));
    png.put(SIGNATURE);

    int start = begin(png, IHDR, 13);
    png.putInt(width)
        .putInt(height)
        .put((byte) 8) // bit depth
        .put((byte) 0) // colour type: grey
        .put((byte) 0) // compression: deflate
        .put((byte) 0) // filter method: adaptive
        .put((byte) 0); // no interlace
    end(png, start);

    start = begin(png, IDAT, zlib);
    // CMF 0x78: deflate with a 32 KB window; FLG 0x01: no dictionary, fastest level, and the
    // two bytes a multiple of 31 as RFC 1950 asks
    png.put((byte) 0x78).put((byte) 0x01);
    int off = 0;
    do {
      int len = Math.min(MAX_STORED, raw.length - off);
      boolean last = off + len == raw.length;
      png.put((byte) (last ? 1 : 0)) // BFINAL, and BTYPE 00: stored
          .putShort(Short.reverseBytes((short) len)) // LEN and its complement, little-endian
          .putShort(Short.reverseBytes((short) ~len))
          .put(raw, off, len);
      off += len;
    } while (off < raw.length);
    Adler32 adler = new Adler32();
    adler.update(raw);
    png.putInt((int) adler.getValue());
    end(png, start);

    end(png, begin(png, IEND, 0));
    return png.array();
  }

  /** Writes a chunk's length and type; returns where the type starts, which its CRC covers. */
  private static int begin(ByteBuffer png, byte[] type, int length) {
    png.putInt(length);
    int start = png.position();
    png.put(type);
    return start;
  }

  /** Writes the CRC of the chunk whose type starts at {@code start}, over its type and data. */
  private static void end(ByteBuffer png, int start) {
    CRC32 crc = new CRC32();
    crc.update(png.array(), start, png.position() - start);
    png.putInt((int) crc.getValue());
  }
}
