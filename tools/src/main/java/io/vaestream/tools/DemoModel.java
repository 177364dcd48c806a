package io.vaestream.tools;

import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.export.ModelPackager.PackagedModel;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.model.VaeTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** The small MLP model that {@code demo} and {@code bench} use, trained once and cached under models/. */
final class DemoModel {
  /** The demo model's settings: an MLP of width 512 and latent size 16. */
  static final VaeConfig CONFIG = new VaeConfig(VaeArchitecture.MLP, 16, 1.0, 10, 128, 1e-3, 42L, 512);

  private DemoModel() {}

  static Path ensure(String trainData, int normalClass, int epochs) throws Exception {
    String name = "demo-" + trainData.replaceAll("[^A-Za-z0-9]+", "-") + "-" + normalClass;
    Path dir = Path.of("models", name);
    Path file = dir.resolve("model.onnx");
    if (Files.isRegularFile(file)) {
      System.err.println("[demo] reusing the demo model " + file);
      return file;
    }
    System.err.println("[demo] training the demo model (MLP, " + epochs + " epochs on " + trainData + " class "
        + normalClass + ")");
    VaeConfig config = CONFIG.withEpochs(epochs);
    TrainingRun run = new TrainingRun(trainData, Set.of(normalClass), 0.1, 1000, 0.01, config);
    TrainingRun.Splits s = run.splits();
    VaeModel trained = new VaeTrainer(st -> System.err.println("  " + st.summary()), m -> { })
        .fit(config, s.train(), s.calibration());
    PackagedModel pkg = run.packageModel(trained, s, name, "1");
    run.save(dir);
    trained.save(dir.resolve(TrainingRun.CHECKPOINT));
    return pkg.write(dir);
  }

  /** Multiply-adds times two per image for the demo MLP on 28×28 input: its FLOPs. */
  static long flopsPerImage() {
    long in = 784;
    long h1 = CONFIG.width();
    long h2 = CONFIG.width() / 2;
    long z = CONFIG.latentDim();
    long macs = in * h1 + h1 * h2 + 2 * h2 * z + z * h2 + h2 * h1 + h1 * in;
    return 2 * macs;
  }
}
