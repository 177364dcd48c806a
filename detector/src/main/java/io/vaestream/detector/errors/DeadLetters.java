package io.vaestream.detector.errors;

import io.vaestream.detector.DetectorVersion;
import io.vaestream.detector.preprocess.RejectReason;
import io.vaestream.detector.preprocess.RejectedRecordException;
import io.vaestream.events.DeadLetter;
import io.vaestream.schemas.AvroSerdes;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Builds dead-letter records: the original bytes (up to a limit), where they came from, and why. */
public final class DeadLetters {
  private final String topic;
  private final int maxValueBytes;
  private final Serializer<DeadLetter> serializer = AvroSerdes.deadLetter().serializer();

  public DeadLetters(String topic, int maxValueBytes) {
    this.topic = topic;
    this.maxValueBytes = maxValueBytes;
  }

  public String topic() {
    return topic;
  }

  /** A dead letter for a record that failed at {@code stage}, keyed by its original key. */
  public ProducerRecord<byte[], byte[]> of(byte[] key, byte[] value, String sourceTopic, int partition, long offset,
      long timestamp, Exception error, String stage) {
    RejectReason reason = error instanceof RejectedRecordException r ? r.reason() : RejectReason.INTERNAL;
    String eventId = error instanceof RejectedRecordException r ? r.eventId() : null;
    int size = value == null ? 0 : value.length;
    byte[] kept = value == null ? null : Arrays.copyOf(value, Math.min(size, maxValueBytes));
    DeadLetter letter = DeadLetter.newBuilder()
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(kept == null ? null : ByteBuffer.wrap(kept))
        .setValueSize(size)
        .setValueTruncated(size > maxValueBytes)
        .setTopic(sourceTopic == null ? "" : sourceTopic)
        .setPartition(partition)
        .setOffset(offset)
        .setRecordTimestamp(Instant.ofEpochMilli(Math.max(0, timestamp)))
        .setErrorType(reason.name())
        .setReason(message(error))
        .setStage(stage)
        .setEventId(eventId)
        .setFailedTime(Instant.now())
        .setDetectorVersion(DetectorVersion.get())
        .build();
    return new ProducerRecord<>(topic, null, key, serializer.serialize(topic, letter));
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
