/** ONNX graph-building helpers for the exporter; not for callers outside {@code export}. */
package io.vaestream.trainer.export.internal;
