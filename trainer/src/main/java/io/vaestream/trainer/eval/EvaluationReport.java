package io.vaestream.trainer.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.export.OnnxExporter;
import io.vaestream.trainer.export.OnnxModelRunner;
import io.vaestream.trainer.report.Plots;
import io.vaestream.trainer.score.Metrics;
import io.vaestream.trainer.score.Threshold;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Writes the evaluation's Markdown report and its PNG plots. */
public final class EvaluationReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EvaluationReport() {}

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

  public static Path write(
      Path outDir,
      List<ClassResult> results,
      Setup setup,
      OneClassEvaluation eval,
      ImageDataset test)
      throws IOException {
    Files.createDirectories(outDir);
    Map<Integer, List<ClassResult>> byClass = results.stream()
        .collect(
            Collectors.groupingBy(ClassResult::normalClass, TreeMap::new, Collectors.toList()));
    OneClassEvaluation.Settings st = setup.settings();
    StringBuilder md = new StringBuilder();
    String arch = st.config().architecture().name().toLowerCase(Locale.ROOT);
    String shippedName = results.get(0).chosenScore();
    boolean semi = st.validationAnomalies() != null;
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

    md.append("## Per class (mean ± std over seeds)\n\n");
    md.append(
        "| class | shipped AUROC | VAE alone | raw kNN | PCA | shipped ≥ kNN | shipped FAR | FAR target range | "
            + "shipped recall |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    byClass.forEach((c, rs) -> {
      int normals = rs.get(0).testNormals();
      int[] range = Metrics.binomialRange(normals, st.targetFar());
      long inside = rs.stream()
          .filter(r -> Math.round(r.shipped().falseAlarmRate() * normals) >= range[0]
              && Math.round(r.shipped().falseAlarmRate() * normals) <= range[1])
          .count();
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
    md.append(String.format(
        Locale.ROOT,
        "%nFAR target range: the central 95%% of the false-alarm rates that a "
            + "detector with a true rate of exactly %.1f%% shows on this many test normals (binomial). Calibration: %d "
            + "held-out normals per class%s%n%n",
        st.targetFar() * 100,
        n,
        Threshold.calibrate(new double[n], st.targetFar()).warning() == null
            ? "."
            : "; the trainer warns: \""
                + Threshold.calibrate(new double[n], st.targetFar()).warning()
                + "\". The threshold itself also varies from one calibration set to another, which the "
                + "binomial range of the test normals does not include."));

    md.append("## What each part contributes\n\n");
    md.append(
        "Test AUROC of each output of the shipped model (for the report only; nothing was chosen with it).\n\n");
    md.append("| output | mean test AUROC | worst class |\n|---|---|---|\n");
    for (String part : results.get(0).testAuroc().keySet()) {
      Map<Integer, Double> perClass = new TreeMap<>();
      byClass.forEach((c, rs) -> perClass.put(
          c, rs.stream().mapToDouble(r -> r.testAuroc().get(part)).average().orElse(Double.NaN)));
      Map.Entry<Integer, Double> worst =
          perClass.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow();
      md.append(String.format(
          Locale.ROOT,
          "| `%s` | %.2f | %.2f (class %d) |%n",
          part,
          100
              * perClass.values().stream()
                  .mapToDouble(Double::doubleValue)
                  .average()
                  .orElse(Double.NaN),
          100 * worst.getValue(),
          worst.getKey()));
    }
    if (semi) {
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

    md.append("## Plots\n\n");
    long seed0 = setup.seeds().get(0);
    List<String> names = new ArrayList<>();
    List<double[][]> curves = new ArrayList<>();
    for (int c : byClass.keySet()) {
      JsonNode s =
          JSON.readTree(eval.cellDir(c, seed0).resolve("test-scores.json").toFile());
      double[] vae = doubles(s.get("shipped"));
      boolean[] an = booleans(s.get("anomalous"));
      names.add(c + " " + byClass.get(c).get(0).className());
      curves.add(Metrics.roc(vae, an, 200).stream()
          .map(p -> new double[] {p.falsePositiveRate(), p.truePositiveRate()})
          .toArray(double[][]::new));
      Plots.write(
          Plots.histogram(
              "Score, normal class " + c + " (" + byClass.get(c).get(0).className() + ")",
              pick(vae, an, false),
              pick(vae, an, true),
              s.get("threshold").asDouble()),
          outDir.resolve("hist-class-" + c + ".png"));
    }
    Plots.write(
        Plots.roc("ROC of the shipped score per normal class (seed " + seed0 + ")", names, curves),
        outDir.resolve("roc.png"));
    md.append("ROC curves of the shipped score, one per normal class:\n\n![ROC](roc.png)\n\n");
    md.append(
        "Score histograms, normal (blue) against anomalous (orange), with the calibrated threshold:\n\n");
    for (int c : byClass.keySet()) {
      md.append("![class ").append(c).append("](hist-class-").append(c).append(".png)\n");
    }
    md.append("\n");

    List<Integer> ordered = byClass.keySet().stream()
        .sorted(Comparator.comparingDouble(c -> byClass.get(c).get(0).shipped().auroc()))
        .toList();
    for (int c : new int[] {ordered.get(ordered.size() - 1), ordered.get(0)}) {
      Path png = outDir.resolve("reconstructions-class-" + c + ".png");
      reconstructions(eval.cellDir(c, seed0).resolve("model.onnx"), test, c, png);
      md.append(String.format(
          Locale.ROOT,
          "Class %d (%s), %s AUROC: the six normal test images the VAE reconstructs best (top rows) and the six "
              + "anomalies it reconstructs worst (bottom rows); columns are input, reconstruction at z = μ, and "
              + "per-pixel squared error.%n%n![reconstructions](%s)%n%n",
          c,
          byClass.get(c).get(0).className(),
          c == ordered.get(0) ? "worst" : "best",
          png.getFileName()));
      Files.copy(
          eval.cellDir(c, seed0).resolve("prior-samples.png"),
          outDir.resolve("prior-samples-class-" + c + ".png"),
          StandardCopyOption.REPLACE_EXISTING);
      md.append(String.format(
          Locale.ROOT,
          "Samples z ~ N(0, I) decoded by the class-%d model:%n%n"
              + "![prior samples](prior-samples-class-%d.png)%n%n",
          c,
          c));
    }
    Path report = outDir.resolve("report.md");
    Files.writeString(report, md.toString());
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(outDir.resolve("results.json").toFile(), results);
    return report;
  }

  private static void reconstructions(Path model, ImageDataset test, int c, Path png)
      throws IOException {
    try (OnnxModelRunner runner = OnnxModelRunner.open(Files.readAllBytes(model))) {
      Map<String, float[]> out = runner.run(
          test.pixels(),
          test.size(),
          List.of(ModelFormat.RECONSTRUCTION, ModelFormat.RECONSTRUCTION_ERROR));
      float[] err = out.get(ModelFormat.RECONSTRUCTION_ERROR);
      float[] rec = out.get(ModelFormat.RECONSTRUCTION);
      int n = test.contract().size();
      List<Integer> normals = IntStream.range(0, test.size())
          .filter(i -> test.label(i) == c)
          .boxed()
          .sorted(Comparator.comparingDouble(i -> err[i]))
          .limit(6)
          .toList();
      List<Integer> worst = IntStream.range(0, test.size())
          .filter(i -> test.label(i) != c)
          .boxed()
          .sorted(Comparator.comparingDouble(i -> -err[i]))
          .limit(6)
          .toList();
      List<List<float[]>> rows = new ArrayList<>();
      for (int i : concat(normals, worst)) {
        float[] x = test.image(i);
        float[] r = Arrays.copyOfRange(rec, i * n, (i + 1) * n);
        float[] e = new float[n];
        for (int k = 0; k < n; k++) {
          e[k] = (x[k] - r[k]) * (x[k] - r[k]);
        }
        rows.add(List.of(x, r, e));
      }
      Plots.write(Plots.rows(rows, List.of(false, false, true), test.contract(), 3), png);
    }
  }

  private static List<Integer> concat(List<Integer> a, List<Integer> b) {
    List<Integer> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
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

  private static double[] pick(double[] v, boolean[] an, boolean want) {
    return IntStream.range(0, v.length)
        .filter(i -> an[i] == want)
        .mapToDouble(i -> v[i])
        .toArray();
  }

  private static double[] doubles(JsonNode n) {
    double[] d = new double[n.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = n.get(i).asDouble();
    }
    return d;
  }

  private static boolean[] booleans(JsonNode n) {
    boolean[] b = new boolean[n.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = n.get(i).asBoolean();
    }
    return b;
  }

  private static String format(Duration d) {
    return String.format(
        Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }
}
