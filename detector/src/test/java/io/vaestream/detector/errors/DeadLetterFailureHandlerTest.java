package io.vaestream.detector.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.preprocess.RejectReason;
import io.vaestream.detector.preprocess.RejectedRecordException;
import io.vaestream.events.DeadLetter;
import io.vaestream.schemas.AvroSerdes;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.junit.jupiter.api.Test;

class DeadLetterFailureHandlerTest {
  private final DeadLetters letters =
      new DeadLetters("dlq", DeadLetterLimits.defaults(1024 * 1024));
  private final DetectorMetrics metrics = DetectorMetrics.noop();
  private final ProducerRecord<byte[], byte[]> letter = letters.of(
      "k".getBytes(),
      new byte[300_000],
      "images",
      2,
      40L,
      0L,
      new RejectedRecordException(RejectReason.UNKNOWN_FORMAT, "value starts with 00"),
      "deserialize");

  private DeadLetterFailureHandler handler(DeadLetterFailures failures, String guarantee) {
    DeadLetterFailureHandler h = new DeadLetterFailureHandler();
    h.configure(Map.of(
        DetectorConfig.DEAD_LETTERS_INSTANCE,
        letters,
        DetectorConfig.DEAD_LETTER_FAILURES_INSTANCE,
        failures,
        DetectorMetrics.CONFIG_KEY,
        metrics,
        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        guarantee));
    return h;
  }

  /** What the handler says when the broker refuses {@link #letter} as too large. */
  private Response refused(DeadLetterFailures failures, String guarantee) {
    return handler(failures, guarantee)
        .handleError(null, letter, new RecordTooLargeException("too large"));
  }

  @Test
  void shouldWriteTheLetterWithoutItsValueAtOnceUnderAtLeastOnce() {
    DeadLetterFailures failures = new DeadLetterFailures(DeadLetterFailures.Policy.SKIP);

    Response r = refused(failures, StreamsConfig.AT_LEAST_ONCE);

    assertThat(r.result()).isEqualTo(Result.RESUME);
    assertThat(r.deadLetterQueueRecords()).singleElement().satisfies(small -> {
      DeadLetter d = AvroSerdes.deadLetter().deserializer().deserialize("dlq", small.value());
      assertThat(d.getValue()).isNull();
      assertThat(d.getOffset()).isEqualTo(40L);
    });
    assertThat(failures.failures("images", 2, 40L)).isEqualTo(1);
    assertThat(metrics.deadLetterFailedCount()).isEqualTo(1);
  }

  @Test
  void shouldOnlyRememberTheFailureUnderExactlyOnceForTheRecordComesBack() {
    DeadLetterFailures failures = new DeadLetterFailures(DeadLetterFailures.Policy.SKIP);

    Response r = refused(failures, StreamsConfig.EXACTLY_ONCE_V2);

    assertThat(r.result()).isEqualTo(Result.RESUME);
    assertThat(r.deadLetterQueueRecords()).isEmpty();
    assertThat(failures.failures("images", 2, 40L)).isEqualTo(1);
    assertThat(failures.fatalReason()).isNull();
  }

  @Test
  void shouldStopWithTheRecordNamedUnderTheFailPolicy() {
    DeadLetterFailures failures = new DeadLetterFailures(DeadLetterFailures.Policy.FAIL);

    Response r = refused(failures, StreamsConfig.EXACTLY_ONCE_V2);

    assertThat(r.result()).isEqualTo(Result.FAIL);
    assertThat(failures.fatalReason()).contains("images-2@40", "dlq.failure.policy=fail");
  }

  @Test
  void shouldRetryRetriableErrorsAndNeverDropAScore() {
    DeadLetterFailureHandler h = handler(
        new DeadLetterFailures(DeadLetterFailures.Policy.SKIP), StreamsConfig.EXACTLY_ONCE_V2);

    assertThat(h.handleError(null, letter, new NotLeaderOrFollowerException("moved"))
            .result())
        .isEqualTo(Result.RETRY);
    assertThat(h.handleError(
                null,
                new ProducerRecord<>("scores", new byte[1], new byte[1]),
                new RecordTooLargeException("too large"))
            .result())
        .isEqualTo(Result.FAIL);
    assertThat(metrics.deadLetterFailedCount()).isZero();
  }
}
