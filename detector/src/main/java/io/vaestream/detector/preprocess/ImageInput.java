package io.vaestream.detector.preprocess;

import io.vaestream.events.PixelFormat;
import io.vaestream.schemas.ImageContract;
import java.util.Map;

/**
 * A validated image with what its score must carry forward. The pixels are at the model's size
 * (checked against its image contract, and resampled where its resize policy allows) but not yet
 * converted: they become the model's float tensor only when their batch is scored, so the batch
 * store holds one byte per 8-bit sample rather than four.
 *
 * @param id the event id; null for plain PNG records, which take their coordinates as id
 * @param sourceWidth the width of the image as it was sent, which boxes on flagged events refer to
 * @param sourceHeight the height of the image as it was sent
 */
public record ImageInput(
    String id,
    String source,
    long eventTime,
    String label,
    Boolean anomalous,
    Map<String, String> attributes,
    PixelFormat format,
    byte[] pixels,
    int sourceWidth,
    int sourceHeight) {

  public ImageInput {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  /** The same image under {@code id} and {@code eventTime}, once its record has settled them. */
  public ImageInput identified(String id, long eventTime) {
    return new ImageInput(
        id,
        source,
        eventTime,
        label,
        anomalous,
        attributes,
        format,
        pixels,
        sourceWidth,
        sourceHeight);
  }

  /** The model input for these pixels under {@code contract}: {@code contract.size()} floats in [0, 1]. */
  public float[] tensor(ImageContract contract) {
    float[] t = new float[contract.size()];
    contract.toTensor(format, contract.width(), contract.height(), pixels, t, 0);
    return t;
  }
}
