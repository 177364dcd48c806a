package io.vaestream.detector.scoring;

import java.util.Locale;

/** Where ONNX Runtime runs the model. */
public enum Device {
  /** Try the CUDA execution provider; fall back to the CPU with one warning if it is not there. */
  AUTO,
  /** The CPU execution provider. */
  CPU,
  /** The CUDA execution provider, or refuse to start. */
  CUDA;

  /** The device called {@code name}, in any case, or an error that names the choices. */
  public static Device parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "device=" + name + " is invalid: expected auto, cpu or cuda", e);
    }
  }
}
