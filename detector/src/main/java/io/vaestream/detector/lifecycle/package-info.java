/**
 * Models on the stream: {@link io.vaestream.detector.lifecycle.ModelPublisher} puts a model on the
 * models topic, {@link io.vaestream.detector.lifecycle.ModelWatcher} checks each one and swaps it
 * into the running detector, and {@link io.vaestream.detector.lifecycle.DriftMonitor} says when the
 * traffic has moved away from what the model in use was calibrated on.
 */
package io.vaestream.detector.lifecycle;
