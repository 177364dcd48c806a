/**
 * The trainer, from images to a calibrated, self-scoring ONNX model. {@link
 * io.vaestream.trainer.TrainingRun} is a run's recipe (data, normal classes, hold-out, seed), saved
 * beside its checkpoint. The parts: {@code data} (images in), {@code model} (the VAE in SameDiff),
 * {@code score} (the score parts, memory bank and threshold), {@code export} (the ONNX graph, parity
 * and packaging), {@code eval} (the one-class protocol and its reports), {@code cli} (the commands).
 */
package io.vaestream.trainer;
