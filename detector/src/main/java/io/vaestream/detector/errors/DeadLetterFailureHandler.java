package io.vaestream.detector.errors;

import io.vaestream.events.DeadLetter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded fallback for a dead letter that the producer or the broker refused. It never lets
 * such a failure crash-loop the stream thread: the failure is counted and logged at ERROR with the
 * input record's topic, partition and offset, and remembered in {@link DeadLetterFailures}.
 *
 * <p>Under at_least_once the input is not read again, so a dead letter without the value is
 * written at once. Under exactly_once_v2 the refused write has already doomed the transaction
 * (every other write in it fails with the same error), so nothing is written now: the transaction
 * aborts, the input comes back, and {@link DeadLetterHandler} then writes the dead letter without
 * its value, or none if that failed too. Other dead letters of the same transaction are refused
 * with it and come back the same way, without their values.
 *
 * <p>Under {@code dlq.failure.policy=fail} the detector stops with a fatal error instead. Failures
 * to write scores and anomalies keep Kafka Streams' default handling: retriable errors are retried,
 * others fail the thread (those records must never be dropped).
 */
public final class DeadLetterFailureHandler implements ProductionExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterFailureHandler.class);

  private DeadLetterFailures.Wiring wiring;
  private boolean exactlyOnce;

  @Override
  public void configure(Map<String, ?> configs) {
    exactlyOnce = StreamsConfig.EXACTLY_ONCE_V2.equals(
        String.valueOf(configs.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)));
    wiring = DeadLetterFailures.Wiring.from(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    DeadLetters letters = wiring.letters();
    DeadLetterFailures failures = wiring.failures();
    if (!letters.topic().equals(record.topic())) {
      return exception instanceof RetriableException ? Response.retry() : Response.fail();
    }
    if (exception instanceof RetriableException) {
      return Response.retry();
    }
    wiring.metrics().deadLetterFailed();
    DeadLetter letter = letters.read(record);
    String where = letter == null
        ? "an unknown record"
        : letter.getTopic() + "-" + letter.getPartition() + "@" + letter.getOffset();
    if (letter != null) {
      failures.failed(letter.getTopic(), letter.getPartition(), letter.getOffset());
    }
    if (failures.policy() == DeadLetterFailures.Policy.FAIL) {
      String reason = "the dead letter of " + where + " could not be written to " + record.topic()
          + ": " + exception + " (dlq.failure.policy=fail)";
      LOG.error("{}; stopping the detector", reason);
      failures.stop(reason);
      return Response.fail();
    }
    ProducerRecord<byte[], byte[]> small = exactlyOnce
        ? null
        : letters.withoutValue(record, letter, exception.getClass().getSimpleName());
    LOG.error(
        "the dead letter of {} ({} bytes) could not be written to {}: {}; {}",
        where,
        record.value() == null ? 0 : record.value().length,
        record.topic(),
        exception,
        exactlyOnce
            ? "the transaction aborts, and the record gets one without its value when it is read again"
            : small == null ? "going on without it" : "writing it without the original value");
    return small == null ? Response.resume() : Response.resume(List.of(small));
  }
}
