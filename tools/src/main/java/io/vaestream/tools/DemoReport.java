package io.vaestream.tools;

import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.export.OnnxModelRunner;
import io.vaestream.trainer.report.Plots;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** The demo's HTML report: summary, score histogram against the threshold, top anomalies. */
final class DemoReport {
  private DemoReport() {}

  static Path write(Path dir, Path model, ImageDataset stream, List<AnomalyScore> scores, ScoreSummary summary)
      throws IOException {
    double threshold = scores.isEmpty() ? Double.NaN : scores.get(0).getThreshold();
    double[] normal = scores.stream().filter(s -> Boolean.FALSE.equals(s.getAnomalous()))
        .mapToDouble(AnomalyScore::getScore).toArray();
    double[] anomalous = scores.stream().filter(s -> Boolean.TRUE.equals(s.getAnomalous()))
        .mapToDouble(AnomalyScore::getScore).toArray();
    StringBuilder html = new StringBuilder();
    html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>vaestream demo</title><style>")
        .append("body{font-family:sans-serif;max-width:980px;margin:2em auto}td,th{padding:4px 10px;text-align:left}")
        .append("img{image-rendering:pixelated}</style></head><body><h1>vaestream demo</h1>");
    html.append(String.format(Locale.ROOT,
        "<table><tr><th>events scored</th><td>%d</td></tr><tr><th>flagged</th><td>%d</td></tr>"
            + "<tr><th>precision / recall</th><td>%.3f / %.3f</td></tr><tr><th>AUROC</th><td>%.4f</td></tr>"
            + "<tr><th>event-to-score latency</th><td>p50 %.0f ms, p99 %.0f ms</td></tr>"
            + "<tr><th>threshold</th><td>%.5g</td></tr><tr><th>model</th><td>%s</td></tr></table>",
        summary.n, summary.flagged, summary.precision(), summary.recall(), summary.aurocValue(),
        summary.latency(0.5), summary.latency(0.99), threshold, model));
    if (normal.length > 0 && anomalous.length > 0) {
      html.append("<h2>Scores</h2><img src=\"").append(png(Plots.histogram(
          "Score of normal (blue) and anomalous (orange) images", normal, anomalous, threshold))).append("\">");
    }
    List<AnomalyScore> top = scores.stream().sorted(Comparator.comparingDouble(AnomalyScore::getScore).reversed())
        .limit(12).toList();
    html.append("<h2>Top anomalies</h2><p>Input, reconstruction at z = μ, and per-pixel squared error.</p><table>")
        .append("<tr><th>event</th><th>label</th><th>score</th><th>images</th></tr>");
    try (OnnxModelRunner runner = OnnxModelRunner.open(Files.readAllBytes(model))) {
      for (AnomalyScore s : top) {
        int index = Integer.parseInt(s.getAttributes().getOrDefault("index", "-1"));
        if (index < 0) {
          continue;
        }
        float[] x = stream.image(index);
        float[] r = runner.run(x, 1, List.of(ModelFormat.RECONSTRUCTION)).get(ModelFormat.RECONSTRUCTION);
        float[] e = new float[x.length];
        for (int k = 0; k < x.length; k++) {
          e[k] = (x[k] - r[k]) * (x[k] - r[k]);
        }
        BufferedImage row = Plots.rows(List.of(List.of(x, r, e)), List.of(false, false, true), stream.contract(), 4);
        html.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s%s</td><td>%.4g</td><td><img src=\"%s\"></td></tr>",
            s.getEventId(), s.getLabel(), Boolean.TRUE.equals(s.getAnomalous()) ? " (anomalous)" : " (normal)",
            s.getScore(), png(row)));
      }
    }
    html.append("</table></body></html>");
    Path file = dir.resolve("report.html");
    Files.writeString(file, html.toString());
    return file;
  }

  private static String png(BufferedImage img) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
  }
}
