package io.vaestream.trainer.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.export.OnnxExporter;
import io.vaestream.trainer.score.Metrics;
import io.vaestream.trainer.score.Threshold;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Writes the evaluation's Markdown report, one method a section, and its {@code results.json}; the
 * figures and their section are {@link EvaluationPlots}.
 */
public final class EvaluationReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Everything the report states about how it was made.
   *
   * @param split how the test images were kept apart from the training images, in words
   */
  public record Setup(
      String command,
      OneClassEvaluation.Settings settings,
      String testData,
      String split,
      List<Long> seeds,
      Duration wallTime) {}

  /** Published one-class results on Fashion-MNIST (mean AUROC, and Shirt where reported), cited in the report. */
  private static final String PUBLISHED = """
      | GEOM (Golan & El-Yaniv, NeurIPS 2018) | 93.5 | 83.3 (class 6) | published | | |
      | ARNet (Huang et al., IEEE TMM 2020) | 93.9 | | published | | |
      | GOAD (Bergman & Hoshen, ICLR 2020) | 94.1 | | published | | |
      """;

  private final List<ClassResult> results;
  private final Setup setup;
  private final OneClassEvaluation.Settings st;
  /** The results by normal class, in class order. */
  private final Map<Integer, List<ClassResult>> byClass;

  private final String arch;
  private final String shippedName;
  private final boolean semi;
  private final StringBuilder md = new StringBuilder();

  private EvaluationReport(List<ClassResult> results, Setup setup) {
    this.results = results;
    this.setup = setup;
    this.st = setup.settings();
    this.byClass = results.stream()
        .collect(
            Collectors.groupingBy(ClassResult::normalClass, TreeMap::new, Collectors.toList()));
    this.arch = st.config().architecture().name().toLowerCase(Locale.ROOT);
    this.shippedName = results.get(0).chosenScore();
    this.semi = st.validationAnomalies() != null;
  }

  /**
   * Writes {@code report.md} with its plots and {@code results.json} into {@code outDir}; returns
   * the report.
   */
  public static Path write(
      Path outDir,
      List<ClassResult> results,
      Setup setup,
      OneClassEvaluation eval,
      ImageDataset test)
      throws IOException {
    Files.createDirectories(outDir);
    EvaluationReport r = new EvaluationReport(results, setup);
    r.header(test);
    r.summary();
    r.perClass();
    r.contributions();
    if (r.semi) {
      r.scoreChoice();
    }
    r.throughput();
    new EvaluationPlots(outDir, r.byClass, eval, test, setup.seeds().get(0)).write(r.md);
    Path report = outDir.resolve("report.md");
    Files.writeString(report, r.md.toString());
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(outDir.resolve("results.json").toFile(), results);
    return report;
  }

  /** The title, the command that reproduces the report, the protocol and the model. */
  private void header(ImageDataset test) {
    md.append(String.format(
        Locale.ROOT,
        "# One-class evaluation on %s (%s VAE, %s score)%n%n",
        st.dataName(),
        arch,
        semi ? "semi-supervised" : shippedName));
    md.append("Reproduce with:\n\n```\n").append(setup.command()).append("\n```\n\n");
    double cellSeconds = results.stream().mapToDouble(ClassResult::totalSeconds).sum();
    md.append(String.format(
        Locale.ROOT,
        "Protocol: for each class c, train on c's training images less a %.0f%% calibration hold-out, test on all "
            + "%d test images (%s); the other classes are the anomalies. %s %d seed(s): %s. %s The threshold is "
            + "the conformal order statistic ⌈(n+1)(1−α)⌉ of the held-out normals' scores for α = %.1f%%. Test "
            + "labels are used only to report.%n%n",
        st.holdout() * 100,
        test.size(),
        setup.testData(),
        setup.split(),
        setup.seeds().size(),
        setup.seeds(),
        semi
            ? "**Semi-supervised**: the score was chosen by validation AUROC against labelled anomalies ("
                + st.validationAnomalies() + ")."
            : "**Label-free**: nothing but class c's own training images builds, standardises and calibrates the "
                + "score; the score itself was fixed in advance.",
        st.targetFar() * 100));
    md.append(String.format(
        Locale.ROOT,
        "Model: %s, score `%s`, memory bank of up to %d training normals. Time: %.1f h of training and scoring "
            + "summed over %d cells (this invocation: %s wall clock) on a 2-core x86-64 machine.%n%n",
        st.config(),
        shippedName,
        st.bankSize(),
        cellSeconds / 3600,
        results.size(),
        format(setup.wallTime())));
  }

  /** The shipped detector, the VAE alone and the baselines over all classes (and published results). */
  private void summary() {
    md.append("## Summary\n\n");
    md.append("| detector | mean AUROC | worst class AUROC | mean AUPRC "
        + "| false-alarm rate at threshold | recall at threshold |\n");
    md.append("|---|---|---|---|---|---|\n");
    summaryRow(
        md,
        "**shipped: " + shippedName + "** (" + arch + " VAE"
            + (results.get(0).testAuroc().containsKey(OnnxExporter.KNN_PIXELS)
                ? " + memory bank)"
                : ")"),
        byClass,
        ClassResult::shipped);
    summaryRow(
        md,
        "VAE's own score (`--score vae`: blurred reconstruction error, no memory bank)",
        byClass,
        ClassResult::vae);
    summaryRow(
        md,
        "raw-pixel kNN, k = " + OneClassEvaluation.KNN_K + " (baseline)",
        byClass,
        ClassResult::rawKnn);
    summaryRow(
        md, "PCA, k = " + OneClassEvaluation.PCA_K + " (baseline)", byClass, ClassResult::pca);
    boolean fashion = st.dataName().startsWith("fashion-mnist");
    if (fashion) {
      md.append(PUBLISHED);
    }
    md.append(
        "\nAUROC and AUPRC are percentages; ± is the standard deviation over seeds of the mean over classes."
            + (fashion
                ? " Published rows are quoted from the papers (same one-class protocol on Fashion-MNIST), not re-run."
                : "")
            + "\n\n");
  }

  /** Each class: AUROC of every detector, and the false-alarm rate against its expected range. */
  private void perClass() {
    md.append("## Per class (mean ± std over seeds)\n\n");
    md.append(
        "| class | shipped AUROC | VAE alone | raw kNN | PCA | shipped ≥ kNN | shipped FAR | FAR target range | "
            + "shipped recall |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    byClass.forEach((c, rs) -> {
      int normals = rs.get(0).testNormals();
      int[] range = Metrics.binomialRange(normals, st.targetFar());
      long inside = rs.stream().filter(this::insideRange).count();
      long beats =
          rs.stream().filter(r -> r.shipped().auroc() >= r.rawKnn().auroc()).count();
      md.append(String.format(
          Locale.ROOT,
          "| %d %s | %s | %s | %s | %s | %d of %d | %s | %.2f–%.2f (%d of %d inside) " + "| %s |%n",
          c,
          rs.get(0).className(),
          pm(rs, r -> 100 * r.shipped().auroc()),
          pm(rs, r -> 100 * r.vae().auroc()),
          pm(rs, r -> 100 * r.rawKnn().auroc()),
          pm(rs, r -> 100 * r.pca().auroc()),
          beats,
          rs.size(),
          pm(rs, r -> 100 * r.shipped().falseAlarmRate()),
          100.0 * range[0] / normals,
          100.0 * range[1] / normals,
          inside,
          rs.size(),
          pm(rs, r -> 100 * r.shipped().recall())));
    });
    int n = results.get(0).calibrationSize();
    String warning = Threshold.warning(n, st.targetFar());
    double[] spread = Threshold.falseAlarmRange(n, st.targetFar());
    double expected = results.stream()
        .mapToDouble(r -> {
          int[] range = Metrics.binomialRange(r.testNormals(), st.targetFar());
          return Threshold.probabilityOfFalseAlarms(
              r.calibrationSize(), st.targetFar(), r.testNormals(), range[0], range[1]);
        })
        .sum();
    md.append(String.format(
        Locale.ROOT,
        "%nFAR target range: the central 95%% of the false-alarm rates that a detector with a true rate of "
            + "exactly %.1f%% shows on this many test normals (binomial). Calibration: %d held-out normals per "
            + "class%s The threshold itself moves from one calibration set to another: thresholds set on %d "
            + "exchangeable normals give rates of %.2f–%.2f%% (95%%), so even a faultless "
            + "calibration lands %.1f of these %d cells inside their range on average (beta-binomial, with "
            + "each cell's own calibration and test sizes); measured: %d.%n%n",
        st.targetFar() * 100,
        n,
        warning == null ? "." : "; the trainer warns: \"" + warning + "\".",
        n,
        100 * spread[0],
        100 * spread[1],
        expected,
        results.size(),
        results.stream().filter(this::insideRange).count()));
  }

  /** Whether the shipped model's false alarms on {@code r}'s test normals lie in the target's range. */
  private boolean insideRange(ClassResult r) {
    int[] range = Metrics.binomialRange(r.testNormals(), st.targetFar());
    long alarms = Math.round(r.shipped().falseAlarmRate() * r.testNormals());
    return alarms >= range[0] && alarms <= range[1];
  }

  /** Test AUROC of each output of the shipped model. */
  private void contributions() {
    md.append("## What each part contributes\n\n");
    md.append(
        "Test AUROC of each output of the shipped model (for the report only; nothing was chosen with it).\n\n");
    md.append("| output | mean test AUROC | worst class |\n|---|---|---|\n");
    // A part may be in some cells only: the transform classifier joins where it learns.
    Set<String> parts = new LinkedHashSet<>();
    results.forEach(r -> parts.addAll(r.testAuroc().keySet()));
    for (String part : parts) {
      Map<Integer, Double> perClass = new TreeMap<>();
      byClass.forEach((c, rs) -> rs.stream()
          .filter(r -> r.testAuroc().containsKey(part))
          .mapToDouble(r -> r.testAuroc().get(part))
          .average()
          .ifPresent(a -> perClass.put(c, a)));
      Map.Entry<Integer, Double> worst =
          perClass.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow();
      md.append(String.format(
          Locale.ROOT,
          "| `%s`%s | %.2f | %.2f (class %d) |%n",
          part,
          perClass.size() < byClass.size()
              ? " (" + perClass.size() + " of " + byClass.size() + " classes)"
              : "",
          100
              * perClass.values().stream()
                  .mapToDouble(Double::doubleValue)
                  .average()
                  .orElse(Double.NaN),
          100 * worst.getValue(),
          worst.getKey()));
    }
  }

  /** How often each candidate score was chosen by validation AUROC (semi-supervised only). */
  private void scoreChoice() {
    md.append("\n## Choosing the score (semi-supervised)\n\n");
    md.append("| candidate | validation AUROC | chosen in |\n|---|---|---|\n");
    for (String name : results.get(0).validationAuroc().keySet()) {
      long chosen = results.stream().filter(r -> r.chosenScore().equals(name)).count();
      md.append(String.format(
          Locale.ROOT,
          "| %s | %.2f | %d of %d |%n",
          name,
          100
              * results.stream()
                  .mapToDouble(r -> r.validationAuroc().get(name))
                  .average()
                  .orElse(Double.NaN),
          chosen,
          results.size()));
    }
  }

  /** Training and scoring throughput. */
  private void throughput() {
    md.append(String.format(
        Locale.ROOT,
        "%n## Throughput%n%n- training: %.0f images/s on average over %d cells "
            + "(%s, batch %d, 2 cores, OMP_WAIT_POLICY=PASSIVE), %.0f s per cell;%n- scoring with the shipped model in "
            + "ONNX Runtime (CPU, batches of 256, 2 cores): %.0f images/s.%n%n",
        results.stream().mapToDouble(ClassResult::examplesPerSecond).average().orElse(Double.NaN),
        results.size(),
        arch,
        st.config().batchSize(),
        results.stream().mapToDouble(ClassResult::trainSeconds).average().orElse(0),
        results.stream()
            .mapToDouble(ClassResult::scoringImagesPerSecond)
            .average()
            .orElse(Double.NaN)));
  }

  private static void summaryRow(
      StringBuilder md,
      String name,
      Map<Integer, List<ClassResult>> byClass,
      Function<ClassResult, ClassResult.Detector> which) {
    int seeds = byClass.values().stream().mapToInt(List::size).min().orElse(0);
    double[] meanPerSeed = new double[seeds];
    for (int s = 0; s < seeds; s++) {
      final int k = s;
      meanPerSeed[s] = byClass.values().stream()
          .mapToDouble(rs -> which.apply(rs.get(k)).auroc())
          .average()
          .orElse(0);
    }
    Map.Entry<Integer, Double> worst = byClass.entrySet().stream()
        .map(e -> Map.entry(
            e.getKey(),
            e.getValue().stream()
                .mapToDouble(r -> which.apply(r).auroc())
                .average()
                .orElse(0)))
        .min(Map.Entry.comparingByValue())
        .orElseThrow();
    List<ClassResult> all = byClass.values().stream().flatMap(List::stream).toList();
    md.append(String.format(
        Locale.ROOT,
        "| %s | %.2f ± %.2f | %.2f (class %d) | %.2f | %.2f%% | %.2f%% |%n",
        name,
        100 * Metrics.mean(meanPerSeed),
        100 * Metrics.std(meanPerSeed),
        100 * worst.getValue(),
        worst.getKey(),
        100 * all.stream().mapToDouble(r -> which.apply(r).auprc()).average().orElse(0),
        100
            * all.stream()
                .mapToDouble(r -> which.apply(r).falseAlarmRate())
                .average()
                .orElse(0),
        100 * all.stream().mapToDouble(r -> which.apply(r).recall()).average().orElse(0)));
  }

  private static String pm(List<ClassResult> rs, ToDoubleFunction<ClassResult> f) {
    double[] v = rs.stream().mapToDouble(f).toArray();
    return v.length > 1
        ? String.format(Locale.ROOT, "%.2f ± %.2f", Metrics.mean(v), Metrics.std(v))
        : String.format(Locale.ROOT, "%.2f", v[0]);
  }

  private static String format(Duration d) {
    return String.format(
        Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }
}
