package io.vaestream.detector.preprocess;

/** Why a record was sent to the dead-letter topic. Stable codes: dashboards and alerts key on them. */
public enum RejectReason {
  /** The value is null or has no bytes. */
  EMPTY_VALUE,
  /** The value is larger than {@code max.record.bytes}. */
  TOO_LARGE,
  /** Neither Avro single-object encoding, the Confluent wire format, PNG nor JPEG. */
  UNKNOWN_FORMAT,
  /** A schema-registry framing the detector does not read: another magic byte, or the schema id in a header. */
  UNSUPPORTED_FRAMING,
  /** The Confluent wire format, but the detector has no {@code schema.registry.url}. */
  NO_SCHEMA_REGISTRY,
  /**
   * The writer schema is not known: an unknown single-object fingerprint, or a schema id the
   * registry does not have.
   */
  UNKNOWN_SCHEMA,
  /** The registry's writer schema cannot be resolved to ImageEvent (a renamed record, a field changed in type, …). */
  INCOMPATIBLE_SCHEMA,
  /** The Avro body cannot be decoded. */
  BAD_AVRO,
  /** The PNG header or body is malformed or truncated. */
  BAD_PNG,
  /** A PNG layout the detector does not read (16-bit samples, palette with alpha, …). */
  UNSUPPORTED_PNG,
  /** The JPEG header or body is malformed or truncated, or a JPEG kind ImageIO does not read (CMYK, …). */
  BAD_JPEG,
  /** Width or height differ from the model's input contract. */
  WRONG_DIMENSIONS,
  /** The channel count or pixel format cannot be mapped onto the model's input. */
  WRONG_CHANNELS,
  /** The pixel byte count differs from width × height × bytes per pixel. */
  SIZE_MISMATCH,
  /** A float pixel is NaN or infinite. */
  NON_FINITE,
  /** A float pixel lies outside [0, 1]. */
  OUT_OF_RANGE,
  /** A required field is missing or empty. */
  MISSING_FIELD,
  /**
   * The record key, or an event's id, source, label or attributes, is larger than the detector
   * copies to a score ({@link EventText}).
   */
  METADATA_TOO_LARGE,
  /**
   * An image restored from the batch store was read for another model's input, which the model
   * now in use cannot take (the detector restarted on a model of another size or channel count).
   */
  MODEL_CHANGED,
  /** Anything else that went wrong while reading the record. */
  INTERNAL
}
