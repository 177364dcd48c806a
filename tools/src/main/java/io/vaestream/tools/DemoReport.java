package io.vaestream.tools;

import io.vaestream.events.AnomalyScore;
import io.vaestream.events.Box;
import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.data.InspectionData;
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

  /** Flagged defective images, and how many of them have a box on their defect. */
  record Boxed(int defective, int onDefect) {}

  /** How many of the {@code flagged} events of defective images have a box that touches the defect's mask. */
  static Boxed boxed(List<AnomalyScore> flagged, InspectionData set) {
    int defective = 0;
    int onDefect = 0;
    int w = set.test().contract().width();
    for (AnomalyScore s : flagged) {
      int index = Integer.parseInt(s.getAttributes().getOrDefault("index", "-1"));
      if (index < 0 || set.isGood(index) || s.getLocalization() == null) {
        continue;
      }
      defective++;
      byte[] mask = set.mask(index);
      boolean hit = false;
      for (Box b : s.getLocalization().getBoxes()) {
        for (int y = b.getY(); y < b.getY() + b.getHeight() && !hit; y++) {
          for (int x = b.getX(); x < b.getX() + b.getWidth() && !hit; x++) {
            hit = mask[y * w + x] != 0;
          }
        }
      }
      onDefect += hit ? 1 : 0;
    }
    return new Boxed(defective, onDefect);
  }

  static Path write(
      Path dir,
      Path model,
      ImageDataset stream,
      DemoStream.Result result,
      InspectionData inspection)
      throws IOException {
    List<AnomalyScore> scores = result.all();
    List<AnomalyScore> flagged = result.flagged();
    ScoreSummary summary = result.summary();
    double threshold = scores.isEmpty() ? Double.NaN : scores.get(0).getThreshold();
    double[] normal = scores.stream()
        .filter(s -> Boolean.FALSE.equals(s.getAnomalous()))
        .mapToDouble(AnomalyScore::getScore)
        .toArray();
    double[] anomalous = scores.stream()
        .filter(s -> Boolean.TRUE.equals(s.getAnomalous()))
        .mapToDouble(AnomalyScore::getScore)
        .toArray();
    StringBuilder html = new StringBuilder();
    html.append(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>vaestream demo</title><style>")
        .append(
            "body{font-family:sans-serif;max-width:980px;margin:2em auto}td,th{padding:4px 10px;text-align:left}")
        .append("img{image-rendering:pixelated}</style></head><body><h1>vaestream demo</h1>");
    html.append(String.format(
        Locale.ROOT,
        "<table><tr><th>events scored</th><td>%d</td></tr><tr><th>flagged</th><td>%d</td></tr>"
            + "<tr><th>precision / recall</th><td>%.3f / %.3f</td></tr><tr><th>AUROC</th><td>%.4f</td></tr>"
            + "<tr><th>latency, event to score</th><td>p50 %.0f ms, p99 %.0f ms</td></tr>"
            + "<tr><th>latency, until a read_committed consumer sees it</th><td>p50 %.0f ms, p99 %.0f ms</td></tr>"
            + "<tr><th>threshold</th><td>%.5g</td></tr><tr><th>model</th><td>%s</td></tr></table>",
        summary.count(),
        summary.flagged(),
        summary.precision(),
        summary.recall(),
        summary.aurocValue(),
        summary.latency(0.5),
        summary.latency(0.99),
        result.visible(0.5),
        result.visible(0.99),
        threshold,
        model));
    if (normal.length > 0 && anomalous.length > 0) {
      html.append("<h2>Scores</h2><img src=\"")
          .append(png(Plots.histogram(
              "Score of normal (blue) and anomalous (orange) images",
              normal,
              anomalous,
              threshold)))
          .append("\">");
    }
    if (inspection != null) {
      where(html, stream, flagged, inspection);
      return finish(dir, html);
    }
    List<AnomalyScore> top = scores.stream()
        .sorted(Comparator.comparingDouble(AnomalyScore::getScore).reversed())
        .limit(12)
        .toList();
    html.append(
            "<h2>Top anomalies</h2><p>Input, reconstruction at z = μ, and per-pixel squared error.</p><table>")
        .append("<tr><th>event</th><th>label</th><th>score</th><th>images</th></tr>");
    try (OnnxModelRunner runner = OnnxModelRunner.open(Files.readAllBytes(model))) {
      for (AnomalyScore s : top) {
        int index = Integer.parseInt(s.getAttributes().getOrDefault("index", "-1"));
        if (index < 0) {
          continue;
        }
        float[] x = stream.image(index);
        float[] r =
            runner.run(x, 1, List.of(ModelFormat.RECONSTRUCTION)).get(ModelFormat.RECONSTRUCTION);
        float[] e = new float[x.length];
        for (int k = 0; k < x.length; k++) {
          e[k] = (x[k] - r[k]) * (x[k] - r[k]);
        }
        BufferedImage row = Plots.rows(
            List.of(List.of(x, r, e)), List.of(false, false, true), stream.contract(), 4);
        html.append(String.format(
            Locale.ROOT,
            "<tr><td>%s</td><td>%s%s</td><td>%.4g</td><td><img src=\"%s\"></td></tr>",
            s.getEventId(),
            s.getLabel(),
            Boolean.TRUE.equals(s.getAnomalous()) ? " (anomalous)" : " (normal)",
            s.getScore(),
            png(row)));
      }
    }
    return finish(dir, html);
  }

  private static Path finish(Path dir, StringBuilder html) throws IOException {
    html.append("</table></body></html>");
    Path file = dir.resolve("report.html");
    Files.writeString(file, html.toString());
    return file;
  }

  /** The flagged events with the highest scores: the image with its boxes, the anomaly map, the true mask. */
  private static void where(
      StringBuilder html, ImageDataset stream, List<AnomalyScore> flagged, InspectionData set)
      throws IOException {
    Boxed boxed = boxed(flagged, set);
    html.append(String.format(
        Locale.ROOT,
        "<h2>Where</h2><p>%d of %d flagged defective images have a box on the "
            + "defect. The highest-scoring flagged events as they arrived on the anomalies topic: the image with the "
            + "event's boxes, the event's anomaly map (grey 128 is the pixel threshold), and the true defect mask.</p>"
            + "<table><tr><th>event</th><th>kind</th><th>score</th><th>image and boxes</th><th>anomaly map</th>"
            + "<th>mask</th></tr>",
        boxed.onDefect(),
        boxed.defective()));
    ImageContract c = stream.contract();
    List<AnomalyScore> top = flagged.stream()
        .filter(s -> s.getLocalization() != null)
        .sorted(Comparator.comparingDouble(AnomalyScore::getScore).reversed())
        .limit(12)
        .toList();
    for (AnomalyScore s : top) {
      int index = Integer.parseInt(s.getAttributes().getOrDefault("index", "-1"));
      if (index < 0) {
        continue;
      }
      BufferedImage image = stream.raw(index).toBufferedImage();
      byte[] m = set.mask(index);
      BufferedImage mask = new BufferedImage(c.width(), c.height(), BufferedImage.TYPE_BYTE_GRAY);
      for (int p = 0; p < m.length; p++) {
        mask.getRaster().setSample(p % c.width(), p / c.width(), 0, m[p] != 0 ? 255 : 0);
      }
      html.append(String.format(
          Locale.ROOT,
          "<tr><td>%s</td><td>%s</td><td>%.4g</td><td><img src=\"%s\"></td>"
              + "<td><img src=\"%s\"></td><td><img src=\"%s\" width=\"%d\"></td></tr>",
          s.getEventId(),
          s.getLabel(),
          s.getScore(),
          png(MapPictures.overImage(image, s.getLocalization())),
          png(MapPictures.picture(s.getLocalization())),
          png(mask),
          2 * c.width()));
    }
  }

  private static String png(BufferedImage img) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
  }
}
