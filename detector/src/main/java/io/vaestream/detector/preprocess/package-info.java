/**
 * From a record value to model input: Avro events (single-object or Confluent framing), PNG and
 * JPEG, every producer-controlled value checked before use, and a stable {@link
 * io.vaestream.detector.preprocess.RejectReason} for what fails.
 */
package io.vaestream.detector.preprocess;
