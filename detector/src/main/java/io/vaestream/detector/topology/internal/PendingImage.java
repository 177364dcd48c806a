package io.vaestream.detector.topology.internal;

import io.vaestream.detector.preprocess.ImageInput;

/**
 * An image read from the input topic and waiting in the batch store to be scored, with the
 * coordinates its score must carry. The image is validated, in the model's width and height, and
 * has the event id and event time its score carries (the record's key or coordinates, and its
 * timestamp, where the event had none).
 */
public record PendingImage(
    byte[] key,
    ImageInput image,
    String topic,
    int partition,
    long offset,
    long timestamp,
    long readTimeMs) {}
