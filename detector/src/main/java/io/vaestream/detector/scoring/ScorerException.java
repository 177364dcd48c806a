package io.vaestream.detector.scoring;

/**
 * The scorer cannot do its job: the model is missing, unreadable, of the wrong shape, fails its
 * golden samples, or ONNX Runtime failed. The message says which model and what.
 */
public final class ScorerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ScorerException(String message) {
    super(message);
  }

  public ScorerException(String message, Throwable cause) {
    super(message, cause);
  }
}
