/**
 * What the trainer and the detector agree on: the {@link io.vaestream.schemas.ImageContract} that
 * turns images into model input, the model-file format, and the Avro events with their Kafka serdes.
 */
package io.vaestream.schemas;
