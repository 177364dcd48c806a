package io.vaestream.detector.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.detector.preprocess.RejectReason;
import io.vaestream.detector.preprocess.RejectedRecordException;
import io.vaestream.events.DeadLetter;
import io.vaestream.schemas.AvroSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeadLettersTest {
  private static final int MB = 1024 * 1024;

  /**
   * Seeded random cases over value size (0 to 10 MB), key size, the producer's request size and
   * the topic's message size, including the sizes of the crash loop: a 5 MB and a 1.5 MB value
   * with Kafka's 1 MiB defaults.
   */
  static Stream<Arguments> cases() {
    Random random = new Random(13);
    int[] limits = {4 * 1024 + 2048, 64 * 1024, MB, MB + 12, 2 * MB, 10 * MB, 16 * MB};
    Stream<Arguments> fixed = Stream.of(
        Arguments.of(5_000_000, 16, MB, MB + 12, MB),
        Arguments.of(1_500_000, 16, MB, MB + 12, MB),
        Arguments.of(0, 0, MB, MB + 12, MB),
        Arguments.of(10 * MB, 3 * MB, 10 * MB, 10 * MB, 10 * MB));
    Stream<Arguments> drawn = IntStream.range(0, 150)
        .mapToObj(i -> Arguments.of(
            random.nextInt(10 * MB + 1),
            random.nextInt(4) == 0 ? random.nextInt(2 * MB) : random.nextInt(64),
            limits[random.nextInt(limits.length)],
            limits[random.nextInt(limits.length)],
            random.nextBoolean() ? MB : random.nextInt(12 * MB)));
    return Stream.concat(fixed, drawn);
  }

  @ParameterizedTest(
      name = "value {0} B, key {1} B, max.request.size {2}, max.message.bytes {3}, keep {4}")
  @MethodSource("cases")
  void shouldAlwaysBuildADeadLetterTheProducerAndTheTopicAccept(
      int valueSize, int keySize, int maxRequestSize, int topicMaxMessageBytes, int valueMaxBytes) {
    DeadLetters letters = new DeadLetters(
        "dlq", DeadLetterLimits.of(valueMaxBytes, maxRequestSize, topicMaxMessageBytes));
    byte[] value = noise(valueSize, 1);
    byte[] key = keySize == 0 ? null : noise(keySize, 2);

    ProducerRecord<byte[], byte[]> r = letters.of(
        key,
        value,
        "images",
        3,
        77L,
        1_000L,
        new RejectedRecordException(RejectReason.TOO_LARGE, "value has " + valueSize + " bytes"),
        "deserialize");

    // What KafkaProducer checks against max.request.size ...
    int estimate = AbstractRecords.estimateSizeInBytesUpperBound(
        RecordBatch.CURRENT_MAGIC_VALUE,
        CompressionType.LZ4,
        r.key(),
        r.value(),
        r.headers().toArray());
    assertThat(estimate).isLessThanOrEqualTo(maxRequestSize);
    // ... and what the broker checks against max.message.bytes: the batch as written, compressed.
    int batch = MemoryRecords.withRecords(
            Compression.lz4().build(), new SimpleRecord(r.key(), r.value()))
        .sizeInBytes();
    assertThat(batch).isLessThanOrEqualTo(topicMaxMessageBytes);

    DeadLetter d = AvroSerdes.deadLetter().deserializer().deserialize("dlq", r.value());
    assertThat(d.getValueSize()).isEqualTo(valueSize);
    assertThat(d.getOffset()).isEqualTo(77L);
    assertThat(d.getErrorType()).isEqualTo("TOO_LARGE");
    byte[] kept = bytes(d.getValue());
    assertThat(kept.length).isLessThanOrEqualTo(Math.min(valueSize, valueMaxBytes));
    assertThat(kept).isEqualTo(Arrays.copyOf(value, kept.length));
    assertThat(d.getValueTruncated()).isEqualTo(kept.length < valueSize);
    if (valueSize <= valueMaxBytes
        && valueSize + keySize < Math.min(maxRequestSize, topicMaxMessageBytes) / 2) {
      assertThat(kept).as("a value with room to spare is kept whole").hasSize(valueSize);
    }
  }

  @Test
  void shouldLeaveTheValueOutOfAFallbackLetterAndSayWhy() {
    DeadLetters letters = new DeadLetters("dlq", DeadLetterLimits.defaults(MB));
    ProducerRecord<byte[], byte[]> full = letters.of(
        "k".getBytes(),
        noise(5000, 3),
        "images",
        0,
        5L,
        0L,
        new RejectedRecordException(RejectReason.UNKNOWN_FORMAT, "value starts with 00"),
        "deserialize");

    ProducerRecord<byte[], byte[]> small = letters.withoutValue(full, "RecordTooLargeException");

    DeadLetter d = AvroSerdes.deadLetter().deserializer().deserialize("dlq", small.value());
    assertThat(d.getValue()).isNull();
    assertThat(d.getValueSize()).isEqualTo(5000);
    assertThat(d.getValueTruncated()).isTrue();
    assertThat(d.getReason())
        .contains("value starts with 00", "value left out: RecordTooLargeException");
    assertThat(small.key()).isEqualTo("k".getBytes());
    assertThat(letters.withoutValue(small, "again"))
        .as("nothing left to leave out")
        .isNull();
  }

  /**
   * A plain image's event id is its key, and a reason may quote what a producer chose: both are
   * cut, so that a letter for a huge key fits once the key's own copy is cut too.
   */
  @Test
  void shouldCutTheEventIdAndTheReasonOfAHugeRecord() {
    DeadLetterLimits limits = DeadLetterLimits.defaults(MB);
    DeadLetters letters = new DeadLetters("dlq", limits);
    byte[] png = Arrays.copyOf(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 28);
    ProducerRecord<byte[], byte[]> r = letters.of(
        "k".repeat(800_000).getBytes(StandardCharsets.US_ASCII),
        png,
        "images",
        0,
        5L,
        0L,
        new RejectedRecordException(RejectReason.BAD_PNG, "header " + "h".repeat(5000)),
        "deserialize");

    assertThat((r.key() == null ? 0 : r.key().length) + r.value().length)
        .isLessThanOrEqualTo(limits.recordMaxBytes());
    DeadLetter d = AvroSerdes.deadLetter().deserializer().deserialize("dlq", r.value());
    assertThat(d.getEventId()).startsWith("kkk").endsWith("…");
    assertThat(d.getEventId().getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(512);
    assertThat(d.getReason()).startsWith("BAD_PNG: header hhh").endsWith("…");
    assertThat(d.getReason().getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(1024);
    assertThat(d.getValue()).isEqualTo(ByteBuffer.wrap(png));
  }

  @Test
  void shouldRefuseLimitsWithNoRoomForADeadLetter() {
    assertThatThrownBy(() -> new DeadLetterLimits(1000, MB)).hasMessageContaining("at least 4096");
    assertThat(DeadLetterLimits.of(MB, 100, 100).recordMaxBytes())
        .isEqualTo(DeadLetterLimits.MIN_RECORD_BYTES);
  }

  private static byte[] noise(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] bytes(ByteBuffer b) {
    if (b == null) {
      return new byte[0];
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
