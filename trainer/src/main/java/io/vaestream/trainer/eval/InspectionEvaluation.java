package io.vaestream.trainer.eval;

import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.data.ImageShape;
import io.vaestream.trainer.data.InspectionData;
import io.vaestream.trainer.export.ModelPackager.PackagedModel;
import io.vaestream.trainer.export.OnnxExporter;
import io.vaestream.trainer.export.OnnxModelRunner;
import io.vaestream.trainer.model.VaeConfig;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.model.VaeTrainer;
import io.vaestream.trainer.score.ImageFeatures;
import io.vaestream.trainer.score.MapScale;
import io.vaestream.trainer.score.Metrics;
import io.vaestream.trainer.score.ScoreSelector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Trains on the normal images of an {@link InspectionData} set, exactly as {@code train} would
 * (one-class: the threshold and the pixel threshold come from held-out normals), then measures on
 * the test split how well the model finds defective images (image AUROC) and the defective pixels
 * in them (pixel AUROC of the anomaly map), beside two baselines measured in the same run:
 *
 * <ul>
 *   <li>per-pixel deviation from the mean normal image, in units of the normals' own per-pixel
 *       standard deviation, blurred like the VAE's map; its image score is the map's peak;
 *   <li>the raw-pixel kNN distance to the training normals (image level only).
 * </ul>
 *
 * Test labels and masks are only used for the measurements.
 */
public final class InspectionEvaluation {
  private static final int KNN_BANK = 1000;

  /**
   * @param holdout share of the training normals held out for calibration
   * @param targetFar the image-level false-alarm rate the thresholds are set for
   * @param score the image score the model ships
   */
  public record Settings(
      VaeConfig config, double holdout, double targetFar, int bankSize, ScoreSelector.Kind score) {}

  /** One method's results: image AUROC overall and per defect, pixel AUROC overall and per defect (NaN if none). */
  public record MethodResult(
      String method,
      double imageAuroc,
      Map<String, Double> imageAurocByDefect,
      double pixelAuroc,
      Map<String, Double> pixelAurocByDefect) {}

  /**
   * What the shipped model does at its own thresholds on the test images.
   *
   * @param falseAlarmRate share of good test images flagged
   * @param recall share of defective test images flagged
   * @param goodWithRegion share of good test images whose map rises above the pixel threshold anywhere
   * @param defectsFound share of defective images with a region above the pixel threshold that touches the defect
   * @param peakOnDefect share of defective images whose map peaks on the defect (within 2 pixels)
   */
  public record Operating(
      double threshold,
      double pixelThreshold,
      double falseAlarmRate,
      double recall,
      double goodWithRegion,
      double defectsFound,
      double peakOnDefect) {}

  /** Everything the report shows. */
  public record Result(
      String data,
      ImageContract contract,
      int trainImages,
      int calibrationImages,
      Map<String, Integer> testCounts,
      List<MethodResult> methods,
      Operating operating,
      double trainSeconds,
      double trainImagesPerSecond,
      double scoreImagesPerSecond,
      Path model,
      List<Example> examples) {}

  /** A test image with its mask and both maps, for the report's figure. */
  public record Example(
      String kind, float[] image, float[] mask, float[] vaeMap, float[] baselineMap) {}

  private InspectionEvaluation() {}

  public static Result run(InspectionData data, Settings st, Path workDir, PrintWriter log)
      throws IOException {
    ImageContract c = data.train().contract();
    TrainingRun run = new TrainingRun(
        data.name() + "/train",
        Set.of(),
        st.holdout(),
        null,
        0,
        st.targetFar(),
        st.score(),
        st.bankSize(),
        st.config(),
        ImageShape.AUTO,
        null);
    TrainingRun.Splits s = run.splits(data.train());
    log.printf(
        "%s: %d training normals (%d held out for calibration), %d test images, %s%n",
        data.name(), s.train().size(), s.calibration().size(), data.test().size(), c);
    log.flush();
    long t0 = System.nanoTime();
    VaeModel model = new VaeTrainer(
            e -> {
              log.println("  " + e.summary());
              log.flush();
            },
            m -> {})
        .fit(st.config(), s.train(), s.calibration());
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    PackagedModel pkg = run.packageModel(model, s, data.name(), "1");
    Path modelFile = pkg.write(workDir.resolve("model"));
    log.printf(
        "model: %s (threshold %.4g, pixel threshold %s)%n",
        modelFile, pkg.threshold().value(), pkg.metadata().get(ModelFormat.PIXEL_THRESHOLD));

    ImageDataset test = data.test();
    int n = test.size();
    int plane = c.width() * c.height();
    Map<String, float[]> out;
    long t1 = System.nanoTime();
    try (OnnxModelRunner runner = OnnxModelRunner.open(pkg.onnx())) {
      out = runner.run(
          test.pixels(),
          n,
          List.of(
              ModelFormat.SCORE,
              ModelFormat.RECONSTRUCTION_ERROR,
              ModelFormat.ANOMALY_MAP,
              ModelFormat.RECONSTRUCTION));
    }
    double scoreRate = n / ((System.nanoTime() - t1) / 1e9);
    float[] maps = out.get(ModelFormat.ANOMALY_MAP);
    float[] baselineMaps = MeanImageBaseline.fit(s.train()).maps(test);
    double[] knn;
    try (OnnxModelRunner raw = OnnxModelRunner.open(
        OnnxExporter.rawKnnBaseline(s.train().sample(KNN_BANK, st.config().seed()), 5))) {
      knn = toDouble(raw.run(test.pixels(), n, List.of(ModelFormat.SCORE)).get(ModelFormat.SCORE));
    }

    float[] residualMaps = pkg.mapScale() != null
        ? residualMaps(test, out.get(ModelFormat.RECONSTRUCTION), pkg.mapScale())
        : maps; // small grey images: the shipped map is the residual alone

    List<MethodResult> methods = new ArrayList<>();
    methods.add(method(
        data,
        "vaestream: " + st.score().label() + " score; anomaly map",
        toDouble(out.get(ModelFormat.SCORE)),
        maps));
    methods.add(method(
        data,
        "vaestream: the anomaly map's peak as image score; anomaly map",
        ImageFeatures.peaks(maps, n, plane),
        maps));
    methods.add(method(
        data,
        "VAE alone: blurred reconstruction error; the map's residual term alone",
        toDouble(out.get(ModelFormat.RECONSTRUCTION_ERROR)),
        residualMaps));
    methods.add(method(
        data,
        "baseline: deviation from the mean normal image (its map; its peak)",
        ImageFeatures.peaks(baselineMaps, n, plane),
        baselineMaps));
    methods.add(method(
        data,
        "baseline: raw-pixel kNN (k = 5, " + Math.min(KNN_BANK, s.train().size()) + " normals)",
        knn,
        null));

    double pixelThreshold = Double.parseDouble(pkg.metadata().get(ModelFormat.PIXEL_THRESHOLD));
    Operating op = operating(
        data, toDouble(out.get(ModelFormat.SCORE)), pkg.threshold().value(), maps, pixelThreshold);
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(test.className(test.label(i)), 1, Integer::sum);
    }
    long trainedImages = (long) s.train().size() * model.epochsDone();
    return new Result(
        data.name(),
        c,
        s.train().size(),
        s.calibration().size(),
        counts,
        methods,
        op,
        trainSeconds,
        trainedImages / trainSeconds,
        scoreRate,
        modelFile,
        examples(data, maps, baselineMaps));
  }

  private static MethodResult method(
      InspectionData data, String name, double[] imageScores, float[] maps) {
    ImageDataset test = data.test();
    int n = test.size();
    boolean[] defective = new boolean[n];
    for (int i = 0; i < n; i++) {
      defective[i] = !data.isGood(i);
    }
    Map<String, Double> byDefect = new LinkedHashMap<>();
    Map<String, Double> pixelByDefect = new LinkedHashMap<>();
    for (String kind : test.classNames()) {
      if (kind.equals(InspectionData.GOOD)) {
        continue;
      }
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (data.isGood(i) || test.className(test.label(i)).equals(kind)) {
          idx.add(i);
        }
      }
      double[] sc = new double[idx.size()];
      boolean[] an = new boolean[idx.size()];
      for (int j = 0; j < idx.size(); j++) {
        sc[j] = imageScores[idx.get(j)];
        an[j] = defective[idx.get(j)];
      }
      byDefect.put(kind, Metrics.auroc(sc, an));
      pixelByDefect.put(kind, maps == null ? Double.NaN : pixelAuroc(data, maps, idx));
    }
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    return new MethodResult(
        name,
        Metrics.auroc(imageScores, defective),
        byDefect,
        maps == null ? Double.NaN : pixelAuroc(data, maps, all),
        pixelByDefect);
  }

  /** Pixel AUROC over every pixel of the images {@code idx}: mask pixels positive, all others negative. */
  private static double pixelAuroc(InspectionData data, float[] maps, List<Integer> idx) {
    ImageContract c = data.train().contract();
    int plane = c.width() * c.height();
    float[] scores = new float[idx.size() * plane];
    byte[] positive = new byte[scores.length];
    for (int j = 0; j < idx.size(); j++) {
      System.arraycopy(maps, idx.get(j) * plane, scores, j * plane, plane);
      System.arraycopy(data.masks(), idx.get(j) * plane, positive, j * plane, plane);
    }
    return Metrics.auroc(scores, positive);
  }

  private static Operating operating(
      InspectionData data, double[] scores, double threshold, float[] maps, double pixelThreshold) {
    ImageContract c = data.train().contract();
    int w = c.width();
    int plane = w * c.height();
    int good = 0;
    int goodFlagged = 0;
    int goodRegion = 0;
    int defects = 0;
    int defectsFlagged = 0;
    int found = 0;
    int peakHit = 0;
    for (int i = 0; i < data.test().size(); i++) {
      boolean flagged = ModelFormat.isAnomaly(scores[i], threshold);
      boolean region = false;
      boolean touches = false;
      int peak = 0;
      for (int p = 0; p < plane; p++) {
        float v = maps[i * plane + p];
        if (v > pixelThreshold) {
          region = true;
          touches |= data.masks()[i * plane + p] != 0;
        }
        if (v > maps[i * plane + peak]) {
          peak = p;
        }
      }
      if (data.isGood(i)) {
        good++;
        goodFlagged += flagged ? 1 : 0;
        goodRegion += region ? 1 : 0;
      } else {
        defects++;
        defectsFlagged += flagged ? 1 : 0;
        found += touches ? 1 : 0;
        peakHit += nearMask(data.masks(), i * plane, w, c.height(), peak % w, peak / w, 2) ? 1 : 0;
      }
    }
    return new Operating(
        threshold,
        pixelThreshold,
        (double) goodFlagged / good,
        (double) defectsFlagged / defects,
        (double) goodRegion / good,
        (double) found / defects,
        (double) peakHit / defects);
  }

  private static boolean nearMask(byte[] masks, int offset, int w, int h, int x, int y, int r) {
    for (int yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
      for (int xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
        if (masks[offset + yy * w + xx] != 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** The first image of every defect kind (and of the good ones), for the figure. */
  private static List<Example> examples(InspectionData data, float[] maps, float[] baselineMaps) {
    ImageDataset test = data.test();
    ImageContract c = test.contract();
    int plane = c.width() * c.height();
    List<Example> out = new ArrayList<>();
    for (int label = 0; label < test.classNames().size(); label++) {
      for (int i = 0; i < test.size(); i++) {
        if (test.label(i) == label) {
          float[] mask = new float[plane];
          for (int p = 0; p < plane; p++) {
            mask[p] = data.masks()[i * plane + p];
          }
          out.add(new Example(
              test.className(label),
              test.image(i),
              mask,
              Arrays.copyOfRange(maps, i * plane, (i + 1) * plane),
              Arrays.copyOfRange(baselineMaps, i * plane, (i + 1) * plane)));
          break;
        }
      }
    }
    return out;
  }

  /** The residual term of the map alone, {@code blur(s_r ⊙ (x − x̂))²}, from the model's reconstructions. */
  private static float[] residualMaps(ImageDataset test, float[] reconstruction, MapScale scale) {
    ImageFeatures f = new ImageFeatures(test.contract());
    int size = test.contract().size();
    int plane = test.contract().width() * test.contract().height();
    float[] out = new float[test.size() * plane];
    IntStream.range(0, test.size())
        .parallel()
        .forEach(i -> System.arraycopy(
            f.anomalyMap(test.pixels(), i * size, reconstruction, i * size, scale.inverse()),
            0,
            out,
            i * plane,
            plane));
    return out;
  }

  private static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
