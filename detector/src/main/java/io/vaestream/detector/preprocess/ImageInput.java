package io.vaestream.detector.preprocess;

import io.vaestream.events.PixelFormat;
import io.vaestream.schemas.ImageContract;
import java.util.Map;

/**
 * A validated image with what its score must carry forward. The pixels stay as they arrived
 * (already checked against the model's image contract, so they have its width and height): they
 * are turned into the model's float tensor only when their batch is scored, so the batch store
 * holds one byte per 8-bit sample rather than four.
 *
 * @param id the event id; null for plain PNG records, which take their coordinates as id
 */
public record ImageInput(
    String id,
    String source,
    long eventTime,
    String label,
    Boolean anomalous,
    Map<String, String> attributes,
    PixelFormat format,
    byte[] pixels) {

  public ImageInput {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  /** The model input for these pixels under {@code contract}: {@code contract.size()} floats in [0, 1]. */
  public float[] tensor(ImageContract contract) {
    float[] t = new float[contract.size()];
    contract.toTensor(format, contract.width(), contract.height(), pixels, t, 0);
    return t;
  }
}
