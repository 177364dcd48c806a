package io.vaestream.detector.errors;

/**
 * How large a dead-letter record may be, derived from the one place that decides it: the smaller
 * of the producer's {@code max.request.size} and the dead-letter topic's {@code
 * max.message.bytes}, less room for the record batch around it. A dead letter keeps at most
 * {@code valueMaxBytes} of the original value, and less where the wrapper and key need the room,
 * so that it is always accepted: a dead letter the producer refuses would fail the stream thread
 * on every retry of the same record.
 *
 * @param recordMaxBytes the most bytes a dead-letter record (key, value and headers) may have
 * @param valueMaxBytes the most bytes of the original value a dead letter keeps ({@code
 *     dlq.max.value.bytes})
 */
public record DeadLetterLimits(int recordMaxBytes, int valueMaxBytes) {
  /**
   * Bytes kept free for the record batch header (61 bytes), the record's own framing and headers,
   * so that a record of {@code recordMaxBytes} still fits the producer's request size and the
   * topic's message size. On top of it, 1/256 of the limit is kept for compression framing:
   * incompressible bytes (a dead letter's value often is) are stored with a few bytes per block
   * by lz4, gzip and zstd.
   */
  static final int BATCH_OVERHEAD = 1024;

  /** The smallest record limit that still leaves room for a dead letter without its value. */
  static final int MIN_RECORD_BYTES = 4 * 1024;

  public DeadLetterLimits {
    if (recordMaxBytes < MIN_RECORD_BYTES) {
      throw new IllegalArgumentException("dead letters need at least " + MIN_RECORD_BYTES
          + " bytes per record, but the limits allow " + recordMaxBytes);
    }
    if (valueMaxBytes < 0) {
      throw new IllegalArgumentException(
          "dlq.max.value.bytes must not be negative: " + valueMaxBytes);
    }
  }

  /**
   * The limits for a producer that sends at most {@code maxRequestSize} bytes per request to a
   * topic that accepts {@code topicMaxMessageBytes} per record batch.
   */
  public static DeadLetterLimits of(
      int valueMaxBytes, int maxRequestSize, int topicMaxMessageBytes) {
    int smaller = Math.min(maxRequestSize, topicMaxMessageBytes);
    int record = smaller - BATCH_OVERHEAD - smaller / 256;
    return new DeadLetterLimits(Math.max(record, MIN_RECORD_BYTES), valueMaxBytes);
  }

  /** Limits that fit Kafka's defaults (1 MiB requests and messages), for tests and tools. */
  public static DeadLetterLimits defaults(int valueMaxBytes) {
    return of(valueMaxBytes, 1024 * 1024, 1024 * 1024 + 12);
  }
}
