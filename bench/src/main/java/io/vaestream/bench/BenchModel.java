package io.vaestream.bench;

import io.vaestream.schemas.ImageContract;
import io.vaestream.tools.DemoModel;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.data.Textures;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import io.vaestream.trainer.model.VaeSpec;
import io.vaestream.trainer.score.ScoreSelector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A model {@code bench} measures: an architecture at an image size, trained on Fashion-MNIST
 * (resized when the side is not 28) for class {@link #NORMAL_CLASS}, and cached under models/.
 * The larger ones are trained briefly: they are there to measure cost, not accuracy.
 */
record BenchModel(
    String name,
    VaeConfig config,
    int side,
    int epochs,
    boolean int8,
    ScoreSelector.Kind score,
    boolean colour) {
  static final int NORMAL_CLASS = 7;
  /** The colour images of {@code conv-128-rgb}: the synthetic fabric of {@code textures}, seed 7. */
  private static final long TEXTURE_SEED = 7;

  BenchModel(
      String name, VaeConfig config, int side, int epochs, boolean int8, ScoreSelector.Kind score) {
    this(name, config, side, epochs, int8, score, false);
  }

  /**
   * The demo MLP at 28, 64 and 128 pixels, the convolutional VAE at 28, and the demo MLP's own
   * weights exported as int8 ({@code export --quantize int8}), with the VAE's own score alone
   * ({@code --score vae}: no memory bank, the cost of the VAE before the fused score) and with
   * {@code --score fused-max} (no transform classifier, the default before it); and the VAE's own
   * score and the fused score over z = μ and three posterior draws ({@code --posterior-draws 4},
   * the MLP's default).
   */
  static final List<BenchModel> ALL = List.of(
      new BenchModel("mlp-28", DemoModel.CONFIG, 28, 10, false, ScoreSelector.Kind.FUSED),
      new BenchModel("mlp-28-vae", DemoModel.CONFIG, 28, 10, false, ScoreSelector.Kind.VAE),
      new BenchModel(
          "mlp-28-vae-draws4",
          DemoModel.CONFIG.withPosteriorDraws(4),
          28,
          10,
          false,
          ScoreSelector.Kind.VAE),
      new BenchModel(
          "mlp-28-draws4",
          DemoModel.CONFIG.withPosteriorDraws(4),
          28,
          10,
          false,
          ScoreSelector.Kind.FUSED),
      new BenchModel("mlp-28-max", DemoModel.CONFIG, 28, 10, false, ScoreSelector.Kind.FUSED_MAX),
      new BenchModel("mlp-28-int8", DemoModel.CONFIG, 28, 10, true, ScoreSelector.Kind.FUSED),
      new BenchModel(
          "conv-28",
          VaeConfig.defaults(VaeArchitecture.CONV),
          28,
          3,
          false,
          ScoreSelector.Kind.FUSED),
      new BenchModel("mlp-64", DemoModel.CONFIG, 64, 3, false, ScoreSelector.Kind.FUSED),
      new BenchModel("mlp-128", DemoModel.CONFIG, 128, 2, false, ScoreSelector.Kind.FUSED),
      new BenchModel(
          "conv-128-rgb", DemoModel.TEXTURE_CONFIG, 128, 2, false, ScoreSelector.Kind.FUSED, true));

  static BenchModel named(String name) {
    return ALL.stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown bench model '" + name
            + "'; known: " + ALL.stream().map(BenchModel::name).toList()));
  }

  ImageContract contract() {
    return new ImageContract(side, side, colour ? 3 : 1);
  }

  long flopsPerImage() {
    return VaeSpec.of(config, contract()).flopsPerImage(config.posteriorDraws());
  }

  String describe() {
    return String.format(
        Locale.ROOT,
        "%s VAE, %dx%d, %.1f MFLOP/image in the VAE%s, %s score",
        config.architecture().name().toLowerCase(Locale.ROOT),
        side,
        side,
        flopsPerImage() / 1e6,
        int8 ? ", int8 dense layers" : "",
        score.name().toLowerCase(Locale.ROOT));
  }

  /** The trained model, from models/ or trained now. */
  Path ensure() throws Exception {
    if (side == 28 && config.withPosteriorDraws(1).equals(DemoModel.CONFIG)) {
      // The demo model, or its own checkpoint packaged with another score, int8 or draws.
      Path demo = DemoModel.ensure("fashion-mnist:train", NORMAL_CLASS, epochs);
      return DemoModel.packagedAs(demo, score, int8, config.posteriorDraws());
    }
    if (colour) {
      return DemoModel.ensure(
          "bench-" + name,
          "textures fabric " + side + "x" + side + " seed " + TEXTURE_SEED,
          () -> textures(600, 0),
          0,
          config.withEpochs(epochs));
    }
    String description =
        "fashion-mnist:train" + (side == 28 ? "" : " resized to " + side + "x" + side);
    return DemoModel.ensure(
        "bench-" + name,
        description,
        () -> {
          // Resize only what training uses: the normal class (the score is chosen with normal
          // images alone).
          ImageDataset normal = DataSources.open("fashion-mnist:train")
              .filterLabels(l -> l == NORMAL_CLASS, "fashion-mnist:train");
          return side == 28 ? normal : normal.resized(side, side);
        },
        NORMAL_CLASS,
        config.withEpochs(epochs));
  }

  /** At most {@code max} test images at this model's size, for sending. */
  ImageDataset testImages(int max) throws Exception {
    if (colour) {
      return textures(0, max);
    }
    ImageDataset test = DataSources.open("fashion-mnist:test").sample(max, 11);
    return side == 28 ? test : test.resized(side, side);
  }

  /** {@code train} training normals, or {@code test} test images (a fifth of them defective), of the fabric. */
  private ImageDataset textures(int train, int test) {
    int perDefect = test / 5 / Textures.Defect.values().length;
    Textures.Benchmark b = Textures.generate(
        Textures.Family.FABRIC,
        side,
        train,
        test - perDefect * Textures.Defect.values().length,
        perDefect,
        TEXTURE_SEED);
    Textures.Split s = train > 0 ? b.train() : b.test();
    List<String> names = new ArrayList<>();
    names.add("good");
    for (Textures.Defect d : Textures.Defect.values()) {
      names.add(d.folderName());
    }
    return new ImageDataset(
        contract(), s.images(), s.labels(), names, "textures fabric " + side + "x" + side);
  }
}
