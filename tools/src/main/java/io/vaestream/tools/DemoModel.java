package io.vaestream.tools;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.export.ModelPackager;
import io.vaestream.trainer.export.ModelPackager.PackagedModel;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.model.VaeSpec;
import io.vaestream.trainer.model.VaeTrainer;
import io.vaestream.trainer.score.ScoreSelector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The models the tools train for themselves and cache under models/: the small MLP that {@code
 * demo} and {@code bench} use, the texture demo's conv VAE, and the ones {@code bench} compares
 * them with. Public for the benchmark harness (module {@code bench}), which measures these same
 * models; nothing else outside this package needs it.
 */
public final class DemoModel {
  /** Epochs of the demo model unless the user says otherwise. */
  public static final int DEFAULT_EPOCHS = 10;

  /** The demo model's settings: an MLP of width 512 and latent size 16. */
  public static final VaeConfig CONFIG =
      new VaeConfig(VaeArchitecture.MLP, 16, 1.0, DEFAULT_EPOCHS, 128, 1e-3, 42L, 512);

  /** The texture demo's model: a conv VAE for 128 × 128 colour images that resizes what it is sent. */
  public static final VaeConfig TEXTURE_CONFIG =
      new VaeConfig(VaeArchitecture.CONV, 32, 1.0, 6, 32, 1e-3, 42L, 16);

  /** Loads the images a model trains on; called only when the model is not cached yet. */
  public interface Images {
    ImageDataset load() throws IOException;
  }

  private DemoModel() {}

  /** The demo MLP for {@code normalClass} of {@code trainData}. */
  public static Path ensure(String trainData, int normalClass, int epochs) throws Exception {
    // A model trained for other epochs than the default is another model, cached apart.
    String name = "demo-" + trainData.replaceAll("[^A-Za-z0-9]+", "-") + "-" + normalClass
        + (epochs == DEFAULT_EPOCHS ? "" : "-e" + epochs);
    return ensure(
        name, trainData, () -> DataSources.open(trainData), normalClass, CONFIG.withEpochs(epochs));
  }

  /**
   * models/NAME/model.onnx, trained with {@code config} on the images of {@code normalClass} in
   * {@code images} if it is not there yet.
   */
  public static Path ensure(
      String name, String description, Images images, int normalClass, VaeConfig config)
      throws Exception {
    Path dir = Path.of("models", name);
    Path file = dir.resolve("model.onnx");
    if (Files.isRegularFile(file)) {
      System.err.println("[demo] reusing the model " + file);
      return file;
    }
    System.err.println("[demo] training " + name + " (" + config.architecture() + ", "
        + config.epochs() + " epochs on " + description + " class " + normalClass + ")");
    ImageDataset all = images.load();
    TrainingRun run =
        TrainingRun.defaults(description, Set.of(normalClass), config).trainedOn(all);
    TrainingRun.Splits s = run.splits(all);
    VaeModel trained = new VaeTrainer(st -> System.err.println("  " + st.summary()), m -> {})
        .fit(config, s.train(), s.calibration());
    PackagedModel pkg = run.packageModel(trained, s, name, "1");
    run.save(dir);
    trained.save(dir.resolve(TrainingRun.CHECKPOINT));
    return pkg.write(dir);
  }

  /**
   * The demo checkpoint of {@code model} packaged another way, next to it and made now if it is
   * not there yet: with {@code score} (NAME-vae, NAME-max; the demo's own {@code fused} adds
   * nothing to the name), int8 dense layers (-int8), and the VAE's error over {@code draws} latent
   * points (-draws4 for 4). The demo model itself when nothing differs.
   */
  public static Path packagedAs(Path model, ScoreSelector.Kind score, boolean int8, int draws)
      throws Exception {
    String suffix = switch (score) {
          case VAE -> "-vae";
          case FUSED_MAX -> "-max";
          case FUSED -> "";
          default -> "-" + score.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        + (int8 ? "-int8" : "")
        + (draws == 1 ? "" : "-draws" + draws);
    if (suffix.isEmpty()) {
      return model;
    }
    ModelPackager.Quantization quantization =
        int8 ? ModelPackager.Quantization.INT8 : ModelPackager.Quantization.NONE;
    Path from = model.getParent();
    Path dir = from.resolveSibling(from.getFileName() + suffix);
    Path file = dir.resolve("model.onnx");
    if (Files.isRegularFile(file)) {
      System.err.println("[demo] reusing the model " + file);
      return file;
    }
    System.err.println("[demo] exporting " + from + " as " + dir);
    TrainingRun run = TrainingRun.load(from).withScore(score);
    VaeModel trained =
        VaeModel.load(from.resolve(TrainingRun.CHECKPOINT)).withPosteriorDraws(draws);
    PackagedModel pkg =
        run.packageModel(trained, run.splits(), dir.getFileName().toString(), "1", quantization);
    return pkg.write(dir);
  }

  /** FLOPs per image of the demo MLP on 28×28 input. */
  static long flopsPerImage() {
    return VaeSpec.of(CONFIG, ImageContract.GRAY_28).flopsPerImage();
  }
}
