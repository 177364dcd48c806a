package io.vaestream.detector.preprocess;

import java.util.Locale;
import java.util.Map;

/**
 * How much text an event may bring: the record key and an event's id, source, label and attribute
 * names are copied to every score (the key as the event id of a plain PNG or JPEG), so their size
 * is bounded here, where a record that breaks the bound can still be dead-lettered. Past this
 * point a score that does not fit the producer's request would fail the stream thread on every
 * retry of the same record. Sizes are UTF-8 bytes.
 */
public final class EventText {
  /** The most bytes of the record key, and of an event's id, source, label or attribute name. */
  public static final int MAX_TEXT_BYTES = 4096;

  /**
   * The most bytes of an event's attributes, names and values together, with {@link
   * #ENTRY_BYTES} for each entry.
   */
  public static final int MAX_ATTRIBUTES_BYTES = 64 * 1024;

  /** What Avro writes for a map entry beside its text: two lengths, at most 5 bytes each. */
  static final int ENTRY_BYTES = 10;

  private EventText() {}

  /** Rejects a record key over {@link #MAX_TEXT_BYTES}. */
  public static byte[] checkKey(byte[] key) {
    if (key != null && key.length > MAX_TEXT_BYTES) {
      throw new RejectedRecordException(
          RejectReason.METADATA_TOO_LARGE,
          String.format(
              Locale.ROOT,
              "the record key is %,d bytes; the detector copies at most %,d to each score (a plain "
                  + "PNG or JPEG takes its key as its event id)",
              key.length,
              MAX_TEXT_BYTES));
    }
    return key;
  }

  /**
   * Rejects an event whose id, source, label or attributes are over their bounds, naming the field.
   * {@code id} has been checked to be present.
   */
  static void check(String id, String source, String label, Map<String, String> attributes) {
    // the id itself may be what is too long: the dead letter then carries none
    checkText("ImageEvent.id", id, null);
    checkText("ImageEvent.source", source, id);
    checkText("ImageEvent.label", label, id);
    long total = 0;
    String largest = null;
    long largestBytes = -1;
    for (Map.Entry<String, String> a : attributes.entrySet()) {
      checkText("the name of an ImageEvent.attributes entry", a.getKey(), id);
      long bytes = utf8Length(a.getKey()) + utf8Length(a.getValue()) + ENTRY_BYTES;
      total += bytes;
      if (bytes > largestBytes) {
        largest = a.getKey();
        largestBytes = bytes;
      }
    }
    if (total > MAX_ATTRIBUTES_BYTES) {
      throw new RejectedRecordException(
          RejectReason.METADATA_TOO_LARGE,
          String.format(
              Locale.ROOT,
              "ImageEvent.attributes take %,d bytes, %,d of them in \"%s\"; the detector copies at "
                  + "most %,d to each score",
              total,
              largestBytes,
              clip(largest, 64),
              MAX_ATTRIBUTES_BYTES),
          id,
          null);
    }
  }

  private static void checkText(String field, String value, String id) {
    if (value == null || value.length() * 3L <= MAX_TEXT_BYTES) {
      return; // at most 3 UTF-8 bytes per char: short text needs no counting
    }
    long bytes = utf8Length(value);
    if (bytes > MAX_TEXT_BYTES) {
      throw new RejectedRecordException(
          RejectReason.METADATA_TOO_LARGE,
          String.format(
              Locale.ROOT,
              "%s is %,d bytes (it starts \"%s\"); the detector copies at most %,d to each score",
              field,
              bytes,
              clip(value, 32),
              MAX_TEXT_BYTES),
          id,
          null);
    }
  }

  /** UTF-8 bytes of {@code s}; an unpaired surrogate counts 3, at least what any encoder writes for it. */
  static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * {@code s} whole when it has at most {@code maxBytes} UTF-8 bytes, else its longest beginning
   * that fits with a closing "…" (never splitting a surrogate pair); null stays null.
   */
  public static String clip(String s, int maxBytes) {
    if (s == null || s.length() * 3L <= maxBytes || utf8Length(s) <= maxBytes) {
      return s;
    }
    int room = maxBytes - 3; // "…" is 3 bytes
    int end = 0;
    long bytes = 0;
    while (end < s.length()) {
      int cp = s.codePointAt(end);
      int b = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + b > room) {
        break;
      }
      bytes += b;
      end += Character.charCount(cp);
    }
    return s.substring(0, end) + "…";
  }
}
