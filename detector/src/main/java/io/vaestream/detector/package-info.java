/**
 * The detector: {@link io.vaestream.detector.Detector} runs the scorer, Kafka Streams (restarted
 * whole when a stream thread fails) and the HTTP endpoints together; {@link
 * io.vaestream.detector.DetectorApp} is its command line. Subpackages: {@code config}, {@code
 * preprocess} (record to image), {@code scoring} (ONNX Runtime), {@code topology} (the Streams
 * graph), {@code errors} (dead letters), {@code localize}, {@code metrics}, {@code lifecycle}
 * (published models).
 */
package io.vaestream.detector;
