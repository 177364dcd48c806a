/**
 * Models on the stream: {@link io.vaestream.detector.lifecycle.ModelPublisher} puts a model on the
 * models topic, and {@link io.vaestream.detector.lifecycle.ModelWatcher} checks each one and swaps
 * it into the running detector.
 */
package io.vaestream.detector.lifecycle;
