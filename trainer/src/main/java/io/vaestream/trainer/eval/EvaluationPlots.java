package io.vaestream.trainer.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.export.OnnxModelRunner;
import io.vaestream.trainer.report.Plots;
import io.vaestream.trainer.score.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The figures of the evaluation report, drawn from the first seed's cells: the ROC curve and the
 * score histogram of each normal class, the reconstructions of the best and the worst class, and
 * their prior samples; with the Markdown section that shows them.
 */
final class EvaluationPlots {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path outDir;
  private final Map<Integer, List<ClassResult>> byClass;
  private final OneClassEvaluation eval;
  private final ImageDataset test;
  private final long seed0;

  EvaluationPlots(
      Path outDir,
      Map<Integer, List<ClassResult>> byClass,
      OneClassEvaluation eval,
      ImageDataset test,
      long seed0) {
    this.outDir = outDir;
    this.byClass = byClass;
    this.eval = eval;
    this.test = test;
    this.seed0 = seed0;
  }

  /** Draws every figure into the report's folder and appends the "Plots" section to {@code md}. */
  void write(StringBuilder md) throws IOException {
    md.append("## Plots\n\n");
    rocAndHistograms(md);
    bestAndWorst(md);
  }

  /** ROC curves of the shipped score, and one score histogram per normal class. */
  private void rocAndHistograms(StringBuilder md) throws IOException {
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
  }

  /** The reconstructions and prior samples of the classes with the best and the worst AUROC. */
  private void bestAndWorst(StringBuilder md) throws IOException {
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
}
