package io.vaestream.trainer.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.eval.InspectionEvaluation.Example;
import io.vaestream.trainer.eval.InspectionEvaluation.MethodResult;
import io.vaestream.trainer.eval.InspectionEvaluation.Operating;
import io.vaestream.trainer.eval.InspectionEvaluation.Result;
import io.vaestream.trainer.report.Plots;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes an {@link InspectionEvaluation} as {@code report.md}, {@code examples.png} and {@code result.json}. */
public final class InspectionReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private InspectionReport() {}

  public static Path write(Path dir, Result r, String command, InspectionEvaluation.Settings st)
      throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", command);
    json.put("settings", st);
    json.put("data", r.data());
    json.put("contract", r.contract().toString());
    json.put("test_counts", r.testCounts());
    json.put("methods", r.methods());
    json.put("operating", r.operating());
    json.put("train_seconds", r.trainSeconds());
    json.put("train_images_per_second", r.trainImagesPerSecond());
    json.put("score_images_per_second", r.scoreImagesPerSecond());
    JSON.writeValue(dir.resolve("result.json").toFile(), json);
    Plots.write(figure(r.examples(), r.contract()), dir.resolve("examples.png"));

    StringBuilder md = new StringBuilder();
    md.append("# Inspection evaluation: ").append(r.data()).append("\n\n");
    md.append("Made by:\n\n```\n").append(command).append("\n```\n\n");
    md.append(String.format(
        Locale.ROOT,
        "Input %s. Trained on %d normal images (%d more held out to calibrate "
            + "the image and pixel thresholds), one-class: no defective image and no mask is used for training, "
            + "choosing or calibrating. Tested on %s. Model: %s; %d epochs in %.0f s (%.1f images/s); scoring %.0f "
            + "images/s in ONNX Runtime on this machine's CPU.%n%n",
        r.contract(),
        r.trainImages(),
        r.calibrationImages(),
        counts(r.testCounts()),
        st.config(),
        st.config().epochs(),
        r.trainSeconds(),
        r.trainImagesPerSecond(),
        r.scoreImagesPerSecond()));
    md.append("## Image and pixel AUROC\n\n");
    md.append(
        "Image AUROC: good test images against defective ones. Pixel AUROC: every pixel of every test image, "
            + "the mask's pixels positive. Per defect: the good images against that defect's.\n\n");
    List<String> kinds = new ArrayList<>(r.methods().get(0).imageAurocByDefect().keySet());
    md.append("| method | image AUROC | pixel AUROC |");
    kinds.forEach(k -> md.append(" ").append(k).append(" (image / pixel) |"));
    md.append("\n|---|---|---|");
    kinds.forEach(k -> md.append("---|"));
    md.append("\n");
    for (MethodResult m : r.methods()) {
      md.append("| ")
          .append(m.method())
          .append(" | ")
          .append(pct(m.imageAuroc()))
          .append(" | ")
          .append(pct(m.pixelAuroc()))
          .append(" |");
      for (String k : kinds) {
        md.append(" ")
            .append(pct(m.imageAurocByDefect().get(k)))
            .append(" / ")
            .append(pct(m.pixelAurocByDefect().get(k)))
            .append(" |");
      }
      md.append("\n");
    }
    Operating o = r.operating();
    md.append(String.format(
        Locale.ROOT,
        "%n## At the model's own thresholds%n%n"
            + "| | |\n|---|---|\n"
            + "| image threshold (calibrated for a %s false-alarm rate) | %.4g |\n"
            + "| good test images flagged | %.1f %% |\n"
            + "| defective test images flagged | %.1f %% |\n"
            + "| pixel threshold | %.4g |\n"
            + "| good test images with a region above the pixel threshold | %.1f %% |\n"
            + "| defective test images with a region above the pixel threshold on the defect | %.1f %% |\n"
            + "| defective test images whose map peaks on the defect (within 2 px) | %.1f %% |\n%n",
        pctRate(st.targetFar()),
        o.threshold(),
        100 * o.falseAlarmRate(),
        100 * o.recall(),
        o.pixelThreshold(),
        100 * o.goodWithRegion(),
        100 * o.defectsFound(),
        100 * o.peakOnDefect()));
    md.append(
        "## Examples\n\n![one test image of each kind: image, mask, VAE anomaly map, baseline map]"
            + "(examples.png)\n\nOne test image of each kind, left to right: the image, its mask, the VAE's anomaly "
            + "map, the mean-image baseline's map (each map scaled to its own maximum).\n");
    Path file = dir.resolve("report.md");
    Files.writeString(file, md.toString());
    return file;
  }

  private static BufferedImage figure(List<Example> examples, ImageContract c) {
    List<List<float[]>> rows = new ArrayList<>();
    for (Example e : examples) {
      rows.add(List.of(e.image(), e.mask(), e.vaeMap(), e.baselineMap()));
    }
    int zoom = c.width() >= 96 ? 1 : 2;
    return Plots.rows(rows, List.of(false, true, true, true), c, zoom);
  }

  private static String counts(Map<String, Integer> counts) {
    StringBuilder sb = new StringBuilder();
    counts.forEach(
        (k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(v).append(" ").append(k));
    return sb.toString();
  }

  private static String pct(Double v) {
    return v == null || v.isNaN() ? "–" : String.format(Locale.ROOT, "%.1f", 100 * v);
  }

  private static String pctRate(double rate) {
    return String.format(Locale.ROOT, "%.3g %%", 100 * rate);
  }
}
