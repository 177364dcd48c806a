package io.vaestream.detector.topology.internal;

import java.util.Map;

/**
 * An image read from the input topic and waiting in the batch store to be scored, with the
 * coordinates its score must carry.
 */
public record PendingImage(
    byte[] key,
    String id,
    String source,
    long eventTime,
    String label,
    Boolean anomalous,
    Map<String, String> attributes,
    String topic,
    int partition,
    long offset,
    long timestamp,
    long readTimeMs,
    float[] tensor) {}
