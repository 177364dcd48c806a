package io.vaestream.detector.scoring;

import io.vaestream.schemas.ImageContract;

/**
 * How {@link OnnxScorer#open(java.nio.file.Path, ScorerOptions)} loads a model: on which device,
 * with how many intra-op threads, and what the model file must match. Immutable; the {@code with}
 * methods return a copy.
 *
 * @param device where to run; {@link Device#AUTO} takes CUDA when it is there
 * @param threads ONNX Runtime intra-op threads for CPU inference (their spin-waiting is off)
 * @param expectedContract the input the detector is configured for; null accepts the model's own
 * @param expectedSha256 hex SHA-256 the file must have; null checks {@code MODEL.sha256} if present
 */
public record ScorerOptions(
    Device device, int threads, ImageContract expectedContract, String expectedSha256) {

  public ScorerOptions {
    if (device == null) {
      throw new IllegalArgumentException("device is null");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, not " + threads);
    }
  }

  /** One thread, no expectations beyond the model's own checks. */
  public static ScorerOptions on(Device device) {
    return new ScorerOptions(device, 1, null, null);
  }

  public ScorerOptions withThreads(int n) {
    return new ScorerOptions(device, n, expectedContract, expectedSha256);
  }

  public ScorerOptions expecting(ImageContract contract) {
    return new ScorerOptions(device, threads, contract, expectedSha256);
  }

  public ScorerOptions withSha256(String hex) {
    return new ScorerOptions(device, threads, expectedContract, hex);
  }
}
