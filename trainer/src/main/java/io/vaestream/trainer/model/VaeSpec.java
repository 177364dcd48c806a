package io.vaestream.trainer.model;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.model.LayerSpec.Activation;
import io.vaestream.trainer.model.LayerSpec.Conv;
import io.vaestream.trainer.model.LayerSpec.Deconv;
import io.vaestream.trainer.model.LayerSpec.Dense;
import io.vaestream.trainer.model.LayerSpec.Reshape;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a VAE: encoder body, the two heads that give μ and log σ², and the decoder that
 * maps z back to logits of the image. Pure description, no weights.
 */
public record VaeSpec(
    ImageContract contract,
    int latentDim,
    List<LayerSpec> encoder,
    Dense meanHead,
    Dense logVarHead,
    List<LayerSpec> decoder) {

  public VaeSpec {
    encoder = List.copyOf(encoder);
    decoder = List.copyOf(decoder);
  }

  /**
   * Floating-point operations of one image through the served graph (encoder, both heads,
   * decoder), counting a multiply-add as two. Activations and the score are not counted.
   */
  public long flopsPerImage() {
    long[] side = {contract.height(), contract.width()};
    long flops = flops(encoder, side) + flops(List.of(meanHead, logVarHead), side);
    return flops + flops(decoder, side);
  }

  private static long flops(List<LayerSpec> layers, long[] side) {
    long total = 0;
    for (LayerSpec l : layers) {
      if (l instanceof Dense d) {
        total += 2L * d.in() * d.out();
      } else if (l instanceof Conv c) {
        side[0] = (side[0] + 2L * c.pad() - c.kernel()) / c.stride() + 1;
        side[1] = (side[1] + 2L * c.pad() - c.kernel()) / c.stride() + 1;
        total += 2L * c.kernel() * c.kernel() * c.in() * c.out() * side[0] * side[1];
      } else if (l instanceof Deconv d) {
        // Every input pixel scatters a k×k×out patch per input channel.
        total += 2L * d.kernel() * d.kernel() * d.in() * d.out() * side[0] * side[1];
        side[0] = d.stride() * (side[0] - 1) + d.kernel() - 2L * d.pad();
        side[1] = d.stride() * (side[1] - 1) + d.kernel() - 2L * d.pad();
      } else if (l instanceof Reshape r && r.dims().length == 3) {
        side[0] = r.dims()[1];
        side[1] = r.dims()[2];
      }
    }
    return total;
  }

  /** Builds the architecture named in {@code config} for images of {@code contract}. */
  public static VaeSpec of(VaeConfig config, ImageContract contract) {
    return switch (config.architecture()) {
      case MLP -> mlp(config, contract);
      case CONV -> conv(config, contract);
    };
  }

  private static VaeSpec mlp(VaeConfig c, ImageContract contract) {
    int in = contract.size();
    int h1 = c.width();
    int h2 = Math.max(c.latentDim(), c.width() / 2);
    List<LayerSpec> enc =
        List.of(
            new Reshape(in),
            new Dense("enc1", in, h1, Activation.RELU),
            new Dense("enc2", h1, h2, Activation.RELU));
    List<LayerSpec> dec =
        List.of(
            new Dense("dec1", c.latentDim(), h2, Activation.RELU),
            new Dense("dec2", h2, h1, Activation.RELU),
            new Dense("dec3", h1, in, Activation.NONE),
            new Reshape(contract.channels(), contract.height(), contract.width()));
    return new VaeSpec(
        contract,
        c.latentDim(),
        enc,
        new Dense("mean", h2, c.latentDim(), Activation.NONE),
        new Dense("logvar", h2, c.latentDim(), Activation.NONE),
        dec);
  }

  private static VaeSpec conv(VaeConfig c, ImageContract contract) {
    if (contract.width() % 4 != 0 || contract.height() % 4 != 0) {
      throw new IllegalArgumentException(
          "the convolutional VAE needs width and height divisible by 4, got " + contract);
    }
    int f1 = c.width();
    int f2 = 2 * c.width();
    int h = contract.height() / 4;
    int w = contract.width() / 4;
    int flat = f2 * h * w;
    int hidden = 256;
    List<LayerSpec> enc = new ArrayList<>();
    enc.add(new Conv("conv1", contract.channels(), f1, 3, 2, 1, Activation.RELU));
    enc.add(new Conv("conv2", f1, f2, 3, 2, 1, Activation.RELU));
    enc.add(new Reshape(flat));
    enc.add(new Dense("enc3", flat, hidden, Activation.RELU));
    List<LayerSpec> dec = new ArrayList<>();
    dec.add(new Dense("dec1", c.latentDim(), hidden, Activation.RELU));
    dec.add(new Dense("dec2", hidden, flat, Activation.RELU));
    dec.add(new Reshape(f2, h, w));
    dec.add(new Deconv("deconv1", f2, f1, 4, 2, 1, Activation.RELU));
    dec.add(new Deconv("deconv2", f1, contract.channels(), 4, 2, 1, Activation.NONE));
    return new VaeSpec(
        contract,
        c.latentDim(),
        enc,
        new Dense("mean", hidden, c.latentDim(), Activation.NONE),
        new Dense("logvar", hidden, c.latentDim(), Activation.NONE),
        dec);
  }
}
