package io.vaestream.trainer.cli;

import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.data.ClassSpec;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.eval.ClassResult;
import io.vaestream.trainer.eval.EvaluationData;
import io.vaestream.trainer.eval.EvaluationReport;
import io.vaestream.trainer.eval.OneClassEvaluation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evaluate}: the one-class protocol, with PCA and raw-pixel kNN baselines. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the one-class evaluation protocol and writes a Markdown report.",
      "For each class, trains on it and tests on all test images with the other classes as anomalies;",
      "reports AUROC, AUPRC, false-alarm rate and recall for the shipped score, the VAE's own score and the",
      "raw-pixel kNN (k = 5) and PCA (k = 32) baselines of the same run, over several seeds. Label-free unless",
      "--validation-anomalies is given. Resumable: finished cells are cached in --work-dir."
    })
final class EvaluateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(
      names = "--train-data",
      defaultValue = "fashion-mnist:train",
      description = "Default: ${DEFAULT-VALUE}.")
  String trainData;

  @Option(
      names = "--test-data",
      defaultValue = "fashion-mnist:test",
      description = "Default: ${DEFAULT-VALUE}.")
  String testData;

  @Option(
      names = "--classes",
      defaultValue = "all",
      description =
          "Normal classes to evaluate, by number or name (default: ${DEFAULT-VALUE}: every "
              + "class of the training data).")
  String classes;

  @Option(
      names = "--seeds",
      defaultValue = "3",
      description = "Seeds per class, 1..N (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(
      names = "--work-dir",
      defaultValue = "runs/evaluate",
      description = "Cache of finished cells, each reused only when its data and settings are this "
          + "run's (default: ${DEFAULT-VALUE}).")
  Path workDir;

  @Option(
      names = "--report",
      defaultValue = "docs/evaluation",
      description = "Report directory (default: ${DEFAULT-VALUE}).")
  Path report;

  @Mixin
  CalibrationOptions calibration = new CalibrationOptions();

  @Option(
      names = "--test-fraction",
      defaultValue = "0.2",
      description =
          "When --train-data and --test-data are the same source: the share of each class kept apart "
              + "for testing by a seeded, stratified split (default: ${DEFAULT-VALUE}).")
  double testFraction;

  @Mixin
  InputOptions input = new InputOptions();

  @Mixin
  ModelOptions model = new ModelOptions();

  @Mixin
  ScoringOptions scoring = new ScoringOptions();

  @Override
  public Integer call() throws Exception {
    if (seeds < 1) {
      throw new IllegalArgumentException("seeds=" + seeds + " is invalid: expected >= 1");
    }
    long t0 = System.nanoTime();
    PrintWriter log = spec.commandLine().getErr();
    EvaluationData data = EvaluationData.open(
        trainData, testData, input.toShape(), testFraction, model.toConfig().seed());
    ImageDataset train = data.train();
    ImageDataset test = data.test();
    log.println(data.split());
    Set<Integer> cs = ClassSpec.parse(classes, train.classNames());
    if (cs.isEmpty()) {
      cs = new TreeSet<>();
      for (int c : train.distinctLabels()) {
        if (c >= 0) {
          cs.add(c);
        }
      }
    }
    TrainingRun.requireImagesOf(cs, train, "classes=" + classes);
    // found before a class trains for all its epochs, not by the AUROC after it
    TrainingRun.requireImagesOf(cs, test, "classes=" + classes + " for testing");
    if (test.distinctLabels().length < 2) {
      throw new IllegalArgumentException(test.description() + " holds images of one class only: "
          + "a one-class test scores the other classes as anomalies");
    }
    OneClassEvaluation.Settings settings = new OneClassEvaluation.Settings(
        data.name(),
        model.toConfig().resolvedFor(train.contract()),
        calibration.holdout,
        scoring.score,
        scoring.bankSize,
        scoring.validationAnomalies,
        scoring.anomalySample,
        calibration.targetFar);
    OneClassEvaluation eval =
        new OneClassEvaluation(train, data.trainSpec(), test, settings, workDir, log);
    List<Long> seedList = LongStream.rangeClosed(1, seeds).boxed().toList();
    List<ClassResult> results = new ArrayList<>();
    for (long seed : seedList) {
      for (int c : cs) {
        results.add(eval.run(c, seed));
      }
    }
    String command =
        "./vaestream " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    Path md = EvaluationReport.write(
        report,
        results,
        new EvaluationReport.Setup(
            command,
            settings,
            test.description(),
            data.split(),
            seedList,
            Duration.ofNanos(System.nanoTime() - t0)),
        eval,
        test);
    spec.commandLine().getOut().printf("report: %s%n", md);
    return 0;
  }
}
