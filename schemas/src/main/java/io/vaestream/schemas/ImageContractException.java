package io.vaestream.schemas;

/**
 * An image that does not fit the {@link ImageContract}. The {@link Reason} is stable and machine
 * readable (it becomes the dead-letter reason in the detector); the message names the offending
 * value.
 */
public final class ImageContractException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Why an image was rejected. */
  public enum Reason {
    /** Width or height differ from the contract. */
    WRONG_DIMENSIONS,
    /** The channel count or pixel format cannot be mapped onto the contract. */
    WRONG_CHANNELS,
    /** The byte length does not match width × height × bytes per pixel. */
    SIZE_MISMATCH,
    /** A value is NaN or infinite. */
    NON_FINITE,
    /** A value lies outside [0, 1] after scaling. */
    OUT_OF_RANGE
  }

  private final Reason reason;

  public ImageContractException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
