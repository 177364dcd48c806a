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
    return flopsPerImage(1);
  }

  /** As above, with the decoder run at {@code draws} latent points ({@link VaeConfig#posteriorDraws}). */
  public long flopsPerImage(int draws) {
    long[] side = {contract.height(), contract.width()};
    long flops = flops(encoder, side) + flops(List.of(meanHead, logVarHead), side);
    return flops + draws * flops(decoder, side);
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
    List<LayerSpec> enc = List.of(
        new Reshape(in),
        new Dense("enc1", in, h1, Activation.RELU),
        new Dense("enc2", h1, h2, Activation.RELU));
    List<LayerSpec> dec = List.of(
        new Dense("dec1", c.latentDim(), h2, Activation.RELU),
        new Dense("dec2", h2, h1, Activation.RELU),
        new Dense("dec3", h1, in, Activation.NONE),
        new Reshape(contract.channels(), contract.height(), contract.width()));
    return withHeads(contract, c.latentDim(), enc, h2, dec);
  }

  /**
   * Stride-2 stages of the convolutional VAE for an image whose shorter side is {@code side}: as
   * many as bring it down to about 7 pixels, at least 2 (28 → 7, 64 → 8, 128 → 8, 256 → 8).
   */
  public static int convStages(int side) {
    return Math.max(2, (int) Math.round(Math.log(side / 7.0) / Math.log(2)));
  }

  /**
   * Stride-2 stages of the convolutional VAE at {@code width × height}: {@link #convStages} of the
   * shorter side, or one fewer where a side does not halve that often (320 × 240, a 4:3 camera,
   * gets 4 stages down to 20 × 15, since 240 does not halve 5 times); 0 where the sides do not
   * halve even that often.
   */
  public static int convStages(int width, int height) {
    int target = convStages(Math.min(width, height));
    int halvings =
        Math.min(Integer.numberOfTrailingZeros(width), Integer.numberOfTrailingZeros(height));
    int stages = Math.min(target, halvings);
    return stages < Math.max(2, target - 1) ? 0 : stages;
  }

  /**
   * The convolutional VAE: {@link #convStages(int, int)} stride-2 3×3 convolutions, the filters
   * doubling from {@code width} at every stage up to 8 × {@code width}, a dense layer, and a mirror
   * image of 4×4 stride-2 transposed convolutions back to the input size.
   */
  private static VaeSpec conv(VaeConfig c, ImageContract contract) {
    int stages = convStages(contract.width(), contract.height());
    if (stages == 0) {
      int target = convStages(Math.min(contract.width(), contract.height()));
      int factor = 1 << Math.max(2, target - 1);
      throw new IllegalArgumentException("the convolutional VAE halves " + contract + " "
          + target + " times (at least " + Math.max(2, target - 1) + "), so it needs width and "
          + "height divisible by " + factor + "; pick another --image-size (e.g. "
          + fitting(contract.width(), contract.height(), factor) + ") or --arch mlp");
    }
    int factor = 1 << stages;
    int[] filters = new int[stages + 1];
    filters[0] = contract.channels();
    for (int i = 1; i <= stages; i++) {
      filters[i] = c.width() * Math.min(8, 1 << (i - 1));
    }
    int h = contract.height() / factor;
    int w = contract.width() / factor;
    int flat = filters[stages] * h * w;
    int hidden = 256;
    List<LayerSpec> enc = new ArrayList<>();
    for (int i = 1; i <= stages; i++) {
      enc.add(new Conv("conv" + i, filters[i - 1], filters[i], 3, 2, 1, Activation.RELU));
    }
    enc.add(new Reshape(flat));
    enc.add(new Dense("enc" + (stages + 1), flat, hidden, Activation.RELU));
    List<LayerSpec> dec = new ArrayList<>();
    dec.add(new Dense("dec1", c.latentDim(), hidden, Activation.RELU));
    dec.add(new Dense("dec2", hidden, flat, Activation.RELU));
    dec.add(new Reshape(filters[stages], h, w));
    for (int i = stages; i >= 1; i--) {
      dec.add(new Deconv(
          "deconv" + (stages - i + 1),
          filters[i],
          filters[i - 1],
          4,
          2,
          1,
          i == 1 ? Activation.NONE : Activation.RELU));
    }
    return withHeads(contract, c.latentDim(), enc, hidden, dec);
  }

  /**
   * The size nearest {@code width × height} that the conv VAE takes: both sides rounded to a
   * multiple of {@code factor}, or of a larger power of two where the rounded shorter side asks for
   * more halvings (1000 × 630: 992 × 640 would be refused too, since 640 asks for 7 halvings and 992
   * halves 5 times; 1024 × 640 is given).
   */
  private static String fitting(int width, int height, int factor) {
    for (int f = factor; ; f *= 2) {
      int w = multiple(width, f);
      int h = multiple(height, f);
      if (convStages(w, h) > 0) {
        return w + "x" + h;
      }
    }
  }

  /** The multiple of {@code factor} nearest to {@code side}, at least {@code factor}. */
  private static int multiple(int side, int factor) {
    return factor * Math.max(1, Math.round((float) side / factor));
  }

  /** The spec with the two linear heads, μ and log σ², on an encoder whose last layer has {@code encoded} units. */
  private static VaeSpec withHeads(
      ImageContract contract, int latent, List<LayerSpec> enc, int encoded, List<LayerSpec> dec) {
    return new VaeSpec(
        contract,
        latent,
        enc,
        new Dense("mean", encoded, latent, Activation.NONE),
        new Dense("logvar", encoded, latent, Activation.NONE),
        dec);
  }
}
