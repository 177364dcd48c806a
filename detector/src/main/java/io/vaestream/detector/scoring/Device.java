package io.vaestream.detector.scoring;

/** Where ONNX Runtime runs the model. */
public enum Device {
  /** Try the CUDA execution provider; fall back to the CPU with one warning if it is not there. */
  AUTO,
  /** The CPU execution provider. */
  CPU,
  /** The CUDA execution provider, or refuse to start. */
  CUDA
}
