package io.vaestream.detector.preprocess;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that cannot become model input. Thrown by the value deserializer, so that Kafka
 * Streams hands it to the deserialization exception handler, which dead-letters it.
 */
public final class RejectedRecordException extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final RejectReason reason;
  private final String eventId;

  public RejectedRecordException(
      RejectReason reason, String message, String eventId, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
    this.eventId = eventId;
  }

  public RejectedRecordException(RejectReason reason, String message) {
    this(reason, message, null, null);
  }

  public RejectReason reason() {
    return reason;
  }

  /** The event id, when the record got far enough to reveal it. */
  public String eventId() {
    return eventId;
  }
}
