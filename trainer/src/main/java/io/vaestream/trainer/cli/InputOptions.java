package io.vaestream.trainer.cli;

import io.vaestream.trainer.data.ImageShape;
import picocli.CommandLine.Option;

/** The image contract a model is trained for, shared by {@code train} and {@code evaluate}. */
final class InputOptions {
  @Option(
      names = "--image-size",
      defaultValue = "auto",
      paramLabel = "WxH",
      description =
          "Model input size: 128 (square) or 160x120; 'auto' for the training images' own size, which "
              + "must then be the same for all (default: ${DEFAULT-VALUE}).")
  String imageSize;

  @Option(
      names = "--channels",
      defaultValue = "0",
      paramLabel = "1|3",
      description =
          "1 (grey) or 3 (colour); 0 (the default): 3 when any training image is in colour, else 1.")
  int channels;

  @Option(
      names = "--resize",
      defaultValue = "auto",
      paramLabel = "POLICY",
      description =
          "What the model (and the detector) does with an image of another size: exact (reject it), "
              + "resize (resample the whole image) or crop (cut the centre to the model's aspect "
              + "ratio, then resample); 'auto' is resize with --image-size and exact without. "
              + "Stored in the model (default: ${DEFAULT-VALUE}).")
  String resize;

  ImageShape toShape() {
    return ImageShape.parse(imageSize, channels, resize);
  }
}
