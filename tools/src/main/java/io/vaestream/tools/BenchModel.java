package io.vaestream.tools;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import io.vaestream.trainer.model.VaeSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A model {@code bench} measures: an architecture at an image size, trained on Fashion-MNIST
 * (resized when the side is not 28) for class {@link #NORMAL_CLASS}, and cached under models/.
 * The larger ones are trained briefly: they are there to measure cost, not accuracy.
 */
record BenchModel(String name, VaeConfig config, int side, int epochs, boolean int8) {
  static final int NORMAL_CLASS = 7;

  /**
   * The demo MLP at 28, 64 and 128 pixels, the convolutional VAE at 28, and the demo MLP's own
   * weights exported as int8 ({@code export --quantize int8}).
   */
  static final List<BenchModel> ALL = List.of(
      new BenchModel("mlp-28", DemoModel.CONFIG, 28, 10, false),
      new BenchModel("mlp-28-int8", DemoModel.CONFIG, 28, 10, true),
      new BenchModel("conv-28", VaeConfig.defaults(VaeArchitecture.CONV), 28, 3, false),
      new BenchModel("mlp-64", DemoModel.CONFIG, 64, 3, false),
      new BenchModel("mlp-128", DemoModel.CONFIG, 128, 2, false));

  static BenchModel named(String name) {
    return ALL.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow(() ->
        new IllegalArgumentException("unknown bench model '" + name + "'; known: "
            + ALL.stream().map(BenchModel::name).toList()));
  }

  ImageContract contract() {
    return new ImageContract(side, side, 1);
  }

  long flopsPerImage() {
    return VaeSpec.of(config, contract()).flopsPerImage();
  }

  String describe() {
    return String.format(Locale.ROOT, "%s VAE, %dx%d, %.1f MFLOP/image%s", config.architecture().name().toLowerCase(
        Locale.ROOT), side, side, flopsPerImage() / 1e6, int8 ? ", int8 dense layers" : "");
  }

  /** The trained model, from models/ or trained now. */
  Path ensure() throws Exception {
    if (side == 28 && config.equals(DemoModel.CONFIG)) {
      // The demo model, or its own checkpoint exported as int8.
      Path demo = DemoModel.ensure("fashion-mnist:train", NORMAL_CLASS, epochs);
      return int8 ? DemoModel.int8(demo) : demo;
    }
    String description = "fashion-mnist:train" + (side == 28 ? "" : " resized to " + side + "x" + side);
    return DemoModel.ensure("bench-" + name, description, () -> {
      ImageDataset train = DataSources.open("fashion-mnist:train");
      // Resize only what training uses: the normal class and the sample of others that picks the score.
      ImageDataset normal = train.filterLabels(l -> l == NORMAL_CLASS, "normal");
      ImageDataset others = train.filterLabels(l -> l != NORMAL_CLASS, "others").sample(1000, 7);
      ImageDataset used = normal.concat(others, "fashion-mnist:train");
      return side == 28 ? used : used.resized(side, side);
    }, NORMAL_CLASS, config.withEpochs(epochs));
  }

  /** At most {@code max} test images at this model's size, for sending. */
  ImageDataset testImages(int max) throws Exception {
    ImageDataset test = DataSources.open("fashion-mnist:test").sample(max, 11);
    return side == 28 ? test : test.resized(side, side);
  }
}
