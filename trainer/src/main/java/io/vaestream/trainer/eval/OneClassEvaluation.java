package io.vaestream.trainer.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.data.ImageShape;
import io.vaestream.trainer.export.ModelPackager.PackagedModel;
import io.vaestream.trainer.export.OnnxExporter;
import io.vaestream.trainer.export.OnnxModelRunner;
import io.vaestream.trainer.model.EpochStats;
import io.vaestream.trainer.model.VaeConfig;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.model.VaeTrainer;
import io.vaestream.trainer.report.Plots;
import io.vaestream.trainer.score.Metrics;
import io.vaestream.trainer.score.Pca;
import io.vaestream.trainer.score.ScoreSelector;
import io.vaestream.trainer.score.Threshold;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The standard one-class protocol: for each class c, train on c's training images (less a
 * calibration hold-out) and test on all test images, the other classes being the anomalies. By
 * default nothing but class c's own training images is used to build, choose and calibrate the
 * score. Baselines are fitted on exactly the same images in the same run: PCA (k = 32) and raw-pixel
 * kNN (k = 5). Each (class, seed) cell is cached under the work directory, with its model, so the
 * run can stop and resume.
 */
public final class OneClassEvaluation {
  /** Components of the PCA baseline. */
  public static final int PCA_K = 32;
  /** Neighbours of the raw-pixel kNN baseline. */
  public static final int KNN_K = 5;

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The file beside a cell's {@code result.json} that says what it was made from. */
  static final String RECIPE = "recipe.txt";

  /**
   * What every cell shares.
   *
   * @param dataName the data set's name, for model names (e.g. {@code fashion-mnist})
   * @param validationAnomalies null for one-class; else as {@link TrainingRun#validationAnomalies()}
   */
  public record Settings(
      String dataName,
      VaeConfig config,
      double holdout,
      ScoreSelector.Kind score,
      int bankSize,
      String validationAnomalies,
      int anomalySample,
      double targetFar) {}

  private final ImageDataset train;
  private final String trainSpec;
  private final ImageDataset test;
  private final Settings settings;
  private final Path workDir;
  private final PrintWriter log;
  /** The training and test data's SHA-256, for each cell's {@link #recipe}. */
  private String dataSha256;

  public OneClassEvaluation(
      ImageDataset train,
      String trainSpec,
      ImageDataset test,
      Settings settings,
      Path workDir,
      PrintWriter log) {
    this.train = train;
    this.trainSpec = trainSpec;
    this.test = test;
    this.settings = settings;
    this.workDir = workDir;
    this.log = log;
  }

  /** The directory that holds one cell's cache, model and pictures. */
  public Path cellDir(int c, long seed) {
    return workDir.resolve(String.format(Locale.ROOT, "class-%d-seed-%d", c, seed));
  }

  /**
   * What a cell's result depends on: its class and seed, the settings, and the data. A cell is
   * taken from the work directory only when its recipe is this one; another run into the same
   * directory (other data, epochs or score) once had its old results reported as new.
   */
  String recipe(int c, long seed) {
    if (dataSha256 == null) {
      dataSha256 = "training data " + train.sha256() + ", test data " + test.sha256();
    }
    return String.format(Locale.ROOT, "class %d, seed %d, %s, %s%n", c, seed, settings, dataSha256);
  }

  /** Runs (or loads from cache) one cell. */
  public ClassResult run(int c, long seed) throws IOException {
    Path dir = cellDir(c, seed);
    Path cache = dir.resolve("result.json");
    Path recipeFile = dir.resolve(RECIPE);
    String recipe = recipe(c, seed);
    if (Files.isRegularFile(cache)) {
      if (Files.isRegularFile(recipeFile) && Files.readString(recipeFile).equals(recipe)) {
        return JSON.readValue(cache.toFile(), ClassResult.class);
      }
      log.printf(
          Locale.ROOT,
          "class %d, seed %d: %s holds a cell made from other data or settings; made again%n",
          c,
          seed,
          dir);
    }
    long t0 = System.nanoTime();
    Settings st = settings;
    TrainingRun run = new TrainingRun(
        trainSpec,
        Set.of(c),
        st.holdout(),
        st.validationAnomalies(),
        st.anomalySample(),
        st.targetFar(),
        st.score(),
        st.bankSize(),
        st.config().withSeed(seed),
        ImageShape.AUTO,
        null);
    TrainingRun.Splits s = run.splits(train);
    log.printf(
        Locale.ROOT,
        "class %d (%s), seed %d: %d train, %d held out%n",
        c,
        train.className(c),
        seed,
        s.train().size(),
        s.calibration().size());
    log.flush();
    List<EpochStats> epochs = new ArrayList<>();
    VaeModel model = new VaeTrainer(
            e -> {
              epochs.add(e);
              if (e.epoch() == e.epochs() || e.epoch() % 5 == 0) {
                log.println("  " + e.summary());
                log.flush();
              }
            },
            m -> {})
        .fit(run.config(), s.train(), s.calibration());
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    PackagedModel pkg =
        run.packageModel(model, s, st.dataName() + "-class-" + c, "eval-seed-" + seed);
    pkg.write(dir);

    boolean[] anomalous = new boolean[test.size()];
    int testNormals = 0;
    for (int i = 0; i < test.size(); i++) {
      anomalous[i] = test.label(i) != c;
      testNormals += anomalous[i] ? 0 : 1;
    }
    // The shipped model over the test images, through ONNX Runtime as the detector runs it.
    List<String> outputs =
        new ArrayList<>(List.of(ModelFormat.SCORE, ModelFormat.RECONSTRUCTION_ERROR));
    if (pkg.score().usesBank()) {
      outputs.addAll(List.of(OnnxExporter.KNN_PIXELS, OnnxExporter.KNN_GRADIENTS));
    }
    if (pkg.score().usesMapPeak()) {
      outputs.add(OnnxExporter.MAP_PEAK);
    }
    if (pkg.score().usesTransforms()) {
      outputs.add(OnnxExporter.TRANSFORM_NLL);
    }
    Map<String, float[]> out;
    Map<String, float[]> cal;
    long s0 = System.nanoTime();
    try (OnnxModelRunner runner = OnnxModelRunner.open(pkg.onnx())) {
      out = runner.run(test.pixels(), test.size(), outputs);
      cal = runner.run(s.calibration().pixels(), s.calibration().size(), outputs);
    }
    double scoringRate = test.size() / ((System.nanoTime() - s0) / 1e9);
    double[] shippedScores = toDouble(out.get(ModelFormat.SCORE));
    ClassResult.Detector shipped = detector(shippedScores, anomalous, pkg.threshold());
    // The VAE's own score, as --score vae ships it: the blurred reconstruction error, calibrated
    // the same way.
    double[] vaeScores = toDouble(out.get(ModelFormat.RECONSTRUCTION_ERROR));
    ClassResult.Detector vae = detector(
        vaeScores,
        anomalous,
        Threshold.calibrate(toDouble(cal.get(ModelFormat.RECONSTRUCTION_ERROR)), st.targetFar()));
    Map<String, Double> testAuroc = new LinkedHashMap<>();
    for (String part : outputs) {
      testAuroc.put(part, Metrics.auroc(toDouble(out.get(part)), anomalous));
    }

    int dim = train.contract().size();
    Pca pca = Pca.fit(s.train().pixels(), s.train().size(), dim, PCA_K);
    double[] pcaScores = pca.reconstructionError(test.pixels(), test.size());
    ClassResult.Detector pcaResult = detector(
        pcaScores,
        anomalous,
        Threshold.calibrate(
            pca.reconstructionError(s.calibration().pixels(), s.calibration().size()),
            st.targetFar()));
    double[] knnScores;
    double[] knnCal;
    ImageDataset bank =
        s.train().sample(st.bankSize(), st.config().withSeed(seed).seed());
    try (OnnxModelRunner knn = OnnxModelRunner.open(OnnxExporter.rawKnnBaseline(bank, KNN_K))) {
      knnScores = toDouble(
          knn.run(test.pixels(), test.size(), List.of(ModelFormat.SCORE)).get(ModelFormat.SCORE));
      knnCal = toDouble(
          knn.run(s.calibration().pixels(), s.calibration().size(), List.of(ModelFormat.SCORE))
              .get(ModelFormat.SCORE));
    }
    ClassResult.Detector knnResult =
        detector(knnScores, anomalous, Threshold.calibrate(knnCal, st.targetFar()));

    writeScores(
        dir,
        Map.of("shipped", shippedScores, "vae", vaeScores, "pca", pcaScores, "raw_knn", knnScores),
        anomalous,
        pkg.threshold().value(),
        out,
        cal);
    writePriorSamples(dir, model, seed);
    EpochStats last = epochs.get(epochs.size() - 1);
    double meanRate =
        epochs.stream().mapToDouble(EpochStats::examplesPerSecond).average().orElse(Double.NaN);
    ClassResult r = new ClassResult(
        c,
        train.className(c),
        seed,
        shipped,
        vae,
        pcaResult,
        knnResult,
        pkg.score().name(),
        pkg.selection().protocol(),
        pkg.selection().candidates(),
        testAuroc,
        last.epoch(),
        trainSeconds,
        meanRate,
        scoringRate,
        (System.nanoTime() - t0) / 1e9,
        s.calibration().size(),
        testNormals,
        pkg.sha256());
    JSON.writerWithDefaultPrettyPrinter().writeValue(cache.toFile(), r);
    Files.writeString(recipeFile, recipe);
    log.printf(
        Locale.ROOT,
        "  -> %s AUROC %.4f (FAR %.2f%%), VAE alone %.4f, PCA %.4f, raw kNN %.4f, %.0f s%n",
        r.chosenScore(),
        shipped.auroc(),
        100 * shipped.falseAlarmRate(),
        vae.auroc(),
        pcaResult.auroc(),
        knnResult.auroc(),
        r.totalSeconds());
    log.flush();
    return r;
  }

  private static ClassResult.Detector detector(double[] scores, boolean[] anomalous, Threshold t) {
    int normals = 0;
    int falseAlarms = 0;
    int anomalies = 0;
    int caught = 0;
    for (int i = 0; i < scores.length; i++) {
      boolean flagged = t.isAnomaly(scores[i]);
      if (anomalous[i]) {
        anomalies++;
        caught += flagged ? 1 : 0;
      } else {
        normals++;
        falseAlarms += flagged ? 1 : 0;
      }
    }
    return new ClassResult.Detector(
        Metrics.auroc(scores, anomalous),
        Metrics.auprc(scores, anomalous),
        t.value(),
        falseAlarms / (double) normals,
        caught / (double) anomalies);
  }

  /** Test scores of every detector, and every output of the model on test and held-out images. */
  private static void writeScores(
      Path dir,
      Map<String, double[]> scores,
      boolean[] anomalous,
      double threshold,
      Map<String, float[]> parts,
      Map<String, float[]> calibrationParts)
      throws IOException {
    Map<String, Object> m = new LinkedHashMap<>(scores);
    m.put("anomalous", anomalous);
    m.put("threshold", threshold);
    m.put("parts", parts);
    m.put("calibration_parts", calibrationParts);
    JSON.writeValue(dir.resolve("test-scores.json").toFile(), m);
  }

  private static void writePriorSamples(Path dir, VaeModel model, long seed) throws IOException {
    Plots.write(
        Plots.grid(model.samplePrior(64, seed), model.contract(), 8, 2),
        dir.resolve("prior-samples.png"));
  }

  static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
