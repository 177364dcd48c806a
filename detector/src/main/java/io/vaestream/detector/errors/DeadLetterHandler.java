package io.vaestream.detector.errors;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.preprocess.RejectReason;
import io.vaestream.detector.preprocess.RejectedRecordException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every record the detector cannot read to the dead-letter topic and carries on. The dead
 * letter goes out through the task's own producer (KIP-1034), so under exactly-once it commits
 * with the input offset: a bad record is dead-lettered exactly once and never lost.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

  private DeadLetters letters;
  private DetectorMetrics metrics = DetectorMetrics.noop();

  @Override
  public void configure(Map<String, ?> configs) {
    Object topic = configs.get(DetectorConfig.DLQ_TOPIC);
    Object max = configs.get(DetectorConfig.DLQ_MAX_VALUE_BYTES);
    letters = new DeadLetters(topic == null ? "images.dlq" : topic.toString(),
        max == null ? 1024 * 1024 : Integer.parseInt(max.toString()));
    if (configs.get(DetectorMetrics.CONFIG_KEY) instanceof DetectorMetrics m) {
      metrics = m;
    }
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    RejectReason reason = exception instanceof RejectedRecordException r ? r.reason() : RejectReason.INTERNAL;
    LOG.warn("dead-lettering {}-{}@{} ({} bytes): {}", record.topic(), record.partition(), record.offset(),
        record.value() == null ? 0 : record.value().length, exception.getMessage());
    metrics.deadLetter(reason);
    return Response.resume(List.of(letters.of(record.key(), record.value(), record.topic(), record.partition(),
        record.offset(), record.timestamp(), exception, "deserialize")));
  }
}
