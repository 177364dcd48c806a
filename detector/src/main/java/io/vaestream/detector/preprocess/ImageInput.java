package io.vaestream.detector.preprocess;

import java.util.Map;

/**
 * A validated image, already turned into the model's input tensor by the shared image contract,
 * with what the score must carry forward.
 *
 * @param id the event id; null for plain PNG records, which take their coordinates as id
 * @param tensor {@code contract.size()} floats in [0, 1]
 */
public record ImageInput(
    String id,
    String source,
    long eventTime,
    String label,
    Boolean anomalous,
    Map<String, String> attributes,
    float[] tensor) {

  public ImageInput {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }
}
