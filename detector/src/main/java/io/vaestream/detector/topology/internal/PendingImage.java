package io.vaestream.detector.topology.internal;

import io.vaestream.events.PixelFormat;
import java.util.Map;

/**
 * An image read from the input topic and waiting in the batch store to be scored, with the
 * coordinates its score must carry. The pixels are the validated raw pixels of the event, in the
 * model's width and height.
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
    PixelFormat format,
    byte[] pixels,
    int sourceWidth,
    int sourceHeight) {}
