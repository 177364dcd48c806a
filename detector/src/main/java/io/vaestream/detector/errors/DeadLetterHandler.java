package io.vaestream.detector.errors;

import io.vaestream.detector.preprocess.RejectReason;
import io.vaestream.detector.preprocess.RejectedRecordException;
import io.vaestream.schemas.registry.SchemaRegistryException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every record the detector cannot read to the dead-letter topic and carries on. The dead
 * letter goes out through the task's own producer (KIP-1034), so under exactly-once it commits
 * with the input offset: a bad record is dead-lettered exactly once and never lost. A record whose
 * dead letter failed before (see {@link DeadLetterFailures}) gets one without its value, then none.
 * A schema registry that cannot be reached is no reason to dead-letter a record: the handler fails
 * instead, and the record is read again once Kafka Streams has been restarted.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

  private DeadLetterFailures.Wiring wiring;

  @Override
  public void configure(Map<String, ?> configs) {
    wiring = DeadLetterFailures.Wiring.from(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof SchemaRegistryException r && r.isTransient()) {
      // Not the record's fault: fail the stream thread; the detector restarts Kafka Streams with a
      // back-off and reads the record again. Exactly-once holds: nothing after it was committed.
      LOG.error(
          "holding {}-{}@{}: {}; Kafka Streams will read it again after a restart",
          record.topic(),
          record.partition(),
          record.offset(),
          r.getMessage());
      return Response.fail();
    }
    RejectReason reason =
        exception instanceof RejectedRecordException r ? r.reason() : RejectReason.INTERNAL;
    int failedBefore =
        wiring.failures().failures(record.topic(), record.partition(), record.offset());
    LOG.warn(
        "dead-lettering {}-{}@{} ({} bytes): {}",
        record.topic(),
        record.partition(),
        record.offset(),
        record.value() == null ? 0 : record.value().length,
        exception.getMessage());
    if (failedBefore == 0) {
      // once a record: read again after its letter was refused, it is not a new bad record
      wiring.metrics().deadLetter(reason);
    }
    DeadLetters letters = wiring.letters();
    ProducerRecord<byte[], byte[]> letter = letters.of(
        record.key(),
        record.value(),
        record.topic(),
        record.partition(),
        record.offset(),
        record.timestamp(),
        exception,
        "deserialize");
    if (failedBefore == 0) {
      return Response.resume(List.of(letter));
    }
    ProducerRecord<byte[], byte[]> small = failedBefore == 1
        ? letters.withoutValue(letter, "its dead letter could not be written before")
        : null;
    if (small == null) {
      LOG.error(
          "skipping {}-{}@{} without a dead letter: writing one failed {} times (dlq.failure.policy=skip)",
          record.topic(),
          record.partition(),
          record.offset(),
          failedBefore);
      return Response.resume();
    }
    return Response.resume(List.of(small));
  }
}
