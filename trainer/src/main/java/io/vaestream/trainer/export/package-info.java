/**
 * From a trained VAE to a model file: {@link io.vaestream.trainer.export.OnnxExporter} writes the
 * same graph as ONNX from the same {@code VaeSpec}; {@code ScoreGraph} adds the label-free score's
 * image filters and nearest-neighbour search as ONNX nodes; {@link
 * io.vaestream.trainer.export.ParityCheck} compares every output with the trainer's own forward
 * pass; and {@link io.vaestream.trainer.export.ModelPackager} writes the model with its metadata,
 * golden samples and checksum. Graph-building helpers are in {@code internal}.
 */
package io.vaestream.trainer.export;
