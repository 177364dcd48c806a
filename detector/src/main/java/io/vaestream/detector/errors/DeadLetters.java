package io.vaestream.detector.errors;

import io.vaestream.detector.DetectorVersion;
import io.vaestream.detector.preprocess.EventText;
import io.vaestream.detector.preprocess.ImagePreprocessor;
import io.vaestream.detector.preprocess.RejectReason;
import io.vaestream.detector.preprocess.RejectedRecordException;
import io.vaestream.events.DeadLetter;
import io.vaestream.schemas.AvroSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Builds dead-letter records: the original bytes (up to a limit), where they came from, and why.
 * Every record it builds fits {@link DeadLetterLimits#recordMaxBytes()}: the value is cut
 * further where the wrapper and the key need the room, and an oversized key is cut too.
 */
public final class DeadLetters {
  /** Room for the record's own framing beside key and value (varints, attributes, headers). */
  private static final int RECORD_FRAMING = 64;

  /**
   * The most UTF-8 bytes of a letter's event id and of its reason. Both may come from the
   * record (a plain image's key is its event id; a reason may quote a header name), and with the
   * key's quarter of the record a letter without its value must fit the smallest record limit.
   */
  static final int EVENT_ID_MAX_BYTES = 512;

  static final int REASON_MAX_BYTES = 1024;

  private final String topic;
  private final DeadLetterLimits limits;
  private final Serializer<DeadLetter> serializer;
  private final Deserializer<DeadLetter> deserializer;

  /** Dead letters in Avro single-object encoding. */
  public DeadLetters(String topic, DeadLetterLimits limits) {
    this(topic, limits, AvroSerdes.deadLetter());
  }

  /** Dead letters written with {@code serde}. */
  public DeadLetters(String topic, DeadLetterLimits limits, Serde<DeadLetter> serde) {
    this.topic = topic;
    this.limits = limits;
    this.serializer = serde.serializer();
    this.deserializer = serde.deserializer();
  }

  public String topic() {
    return topic;
  }

  public DeadLetterLimits limits() {
    return limits;
  }

  /** A dead letter for a record that failed at {@code stage}, keyed by its original key. */
  public ProducerRecord<byte[], byte[]> of(
      byte[] key,
      byte[] value,
      String sourceTopic,
      int partition,
      long offset,
      long timestamp,
      Exception error,
      String stage) {
    RejectReason reason =
        error instanceof RejectedRecordException r ? r.reason() : RejectReason.INTERNAL;
    String eventId = error instanceof RejectedRecordException r ? r.eventId() : null;
    if (eventId == null && ImagePreprocessor.isPlainImage(value)) {
      // A PNG or JPEG carries no id of its own: its event id is its record key
      // (docs/wire-format.md).
      eventId = utf8(key);
    }
    int size = value == null ? 0 : value.length;
    // A key may be as large as a value; past a quarter of the record it is cut in the letter and
    // left off the record, so that the letter still fits.
    int keyRoom = limits.recordMaxBytes() / 4;
    byte[] recordKey = key != null && key.length > keyRoom ? null : key;
    byte[] letterKey = key == null ? null : Arrays.copyOf(key, Math.min(key.length, keyRoom));
    DeadLetter letter = DeadLetter.newBuilder()
        .setKey(letterKey == null ? null : ByteBuffer.wrap(letterKey))
        .setValue(null)
        .setValueSize(size)
        .setValueTruncated(false)
        .setTopic(sourceTopic == null ? "" : sourceTopic)
        .setPartition(partition)
        .setOffset(offset)
        .setRecordTimestamp(Instant.ofEpochMilli(Math.max(0, timestamp)))
        .setErrorType(reason.name())
        .setReason(EventText.clip(message(error), REASON_MAX_BYTES))
        .setStage(stage)
        .setEventId(EventText.clip(eventId, EVENT_ID_MAX_BYTES))
        .setFailedTime(Instant.now())
        .setDetectorVersion(DetectorVersion.get())
        .build();
    if (value != null) {
      // The letter without its value, plus the value's own length prefix (at most 5 bytes).
      int wrapper = serializer.serialize(topic, letter).length + 5;
      int room = limits.recordMaxBytes()
          - wrapper
          - RECORD_FRAMING
          - (recordKey == null ? 0 : recordKey.length);
      int kept = Math.max(0, Math.min(Math.min(size, limits.valueMaxBytes()), room));
      letter.setValue(ByteBuffer.wrap(value, 0, kept).slice());
      letter.setValueTruncated(kept < size);
    }
    return new ProducerRecord<>(topic, null, recordKey, serializer.serialize(topic, letter));
  }

  /**
   * The same dead letter without the original value, for when {@code letter} itself could not be
   * written; null when {@code letter} is not a dead letter or already has no value.
   */
  public ProducerRecord<byte[], byte[]> withoutValue(
      ProducerRecord<byte[], byte[]> letter, String why) {
    return withoutValue(letter, read(letter), why);
  }

  /** As {@link #withoutValue(ProducerRecord, String)}, for a letter already read with {@link #read}. */
  public ProducerRecord<byte[], byte[]> withoutValue(
      ProducerRecord<byte[], byte[]> letter, DeadLetter d, String why) {
    if (d == null || d.getValue() == null) {
      return null;
    }
    d.setValue(null);
    d.setValueTruncated(d.getValueSize() > 0);
    d.setReason(EventText.clip(d.getReason(), REASON_MAX_BYTES) + " (value left out: " + why + ")");
    return new ProducerRecord<>(
        letter.topic(), null, letter.key(), serializer.serialize(letter.topic(), d));
  }

  /** The dead letter a record of this class carries, or null when it is not one. */
  public DeadLetter read(ProducerRecord<byte[], byte[]> letter) {
    try {
      return deserializer.deserialize(letter.topic(), letter.value());
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The key as text, or null when there is none or it is not valid UTF-8. */
  private static String utf8(byte[] key) {
    if (key == null) {
      return null;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(key)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
