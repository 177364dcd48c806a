package io.vaestream.trainer.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.export.ModelPackager.PackagedModel;
import io.vaestream.trainer.export.OnnxModelRunner;
import io.vaestream.trainer.model.EpochStats;
import io.vaestream.trainer.model.VaeConfig;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.model.VaeTrainer;
import io.vaestream.trainer.report.Plots;
import io.vaestream.trainer.score.Metrics;
import io.vaestream.trainer.score.Pca;
import io.vaestream.trainer.score.ScoreDefinition;
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
 * calibration hold-out) and test on all test images, the other classes being the anomalies. A PCA
 * reconstruction baseline is fitted on exactly the same images. Each (class, seed) cell is cached
 * under the work directory, with its model, so the run can stop and resume.
 */
public final class OneClassEvaluation {
  /** Components of the PCA baseline. */
  public static final int PCA_K = 32;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ImageDataset train;
  private final ImageDataset test;
  private final String trainSpec;
  private final VaeConfig config;
  private final double holdout;
  private final int anomalySample;
  private final double targetFar;
  private final Path workDir;
  private final PrintWriter log;

  public OneClassEvaluation(ImageDataset train, String trainSpec, ImageDataset test, VaeConfig config,
      double holdout, int anomalySample, double targetFar, Path workDir, PrintWriter log) {
    this.train = train;
    this.trainSpec = trainSpec;
    this.test = test;
    this.config = config;
    this.holdout = holdout;
    this.anomalySample = anomalySample;
    this.targetFar = targetFar;
    this.workDir = workDir;
    this.log = log;
  }

  /** The directory that holds one cell's cache, model and pictures. */
  public Path cellDir(int c, long seed) {
    return workDir.resolve(String.format(Locale.ROOT, "class-%d-seed-%d", c, seed));
  }

  /** Runs (or loads from cache) one cell. */
  public ClassResult run(int c, long seed) throws IOException {
    Path dir = cellDir(c, seed);
    Path cache = dir.resolve("result.json");
    if (Files.isRegularFile(cache)) {
      return JSON.readValue(cache.toFile(), ClassResult.class);
    }
    long t0 = System.nanoTime();
    TrainingRun run = new TrainingRun(trainSpec, Set.of(c), holdout, anomalySample, targetFar, config.withSeed(seed));
    TrainingRun.Splits s = run.splits(train);
    log.printf(Locale.ROOT, "class %d (%s), seed %d: %d train, %d held out%n",
        c, train.className(c), seed, s.train().size(), s.calibration().size());
    log.flush();
    List<EpochStats> epochs = new ArrayList<>();
    VaeModel model = new VaeTrainer(st -> {
      epochs.add(st);
      if (st.epoch() == st.epochs() || st.epoch() % 5 == 0) {
        log.println("  " + st.summary());
        log.flush();
      }
    }, m -> { }).fit(run.config(), s.train(), s.calibration());
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    PackagedModel pkg = run.packageModel(model, s, "fashion-mnist-class-" + c, "eval-seed-" + seed);
    pkg.write(dir);

    boolean[] anomalous = new boolean[test.size()];
    for (int i = 0; i < test.size(); i++) {
      anomalous[i] = test.label(i) != c;
    }
    double[] vaeScores;
    try (OnnxModelRunner runner = OnnxModelRunner.open(pkg.onnx())) {
      vaeScores = toDouble(runner.run(test.pixels(), test.size(), List.of(ModelFormat.SCORE)).get(ModelFormat.SCORE));
    }
    ClassResult.Detector vae = detector(vaeScores, anomalous, pkg.threshold());

    // The alternatives, on test data, for the report only: the choice was made on validation data.
    VaeModel.Forward f = model.forward(test.pixels(), test.size());
    Map<String, Double> testAuroc = new LinkedHashMap<>();
    for (ScoreDefinition d : pkg.selection().definitions()) {
      testAuroc.put(d.name(), Metrics.auroc(ScoreSelector.scores(d, f), anomalous));
    }

    int dim = train.contract().size();
    Pca pca = Pca.fit(s.train().pixels(), s.train().size(), dim, PCA_K);
    Threshold pcaThreshold = Threshold.calibrate(
        pca.reconstructionError(s.calibration().pixels(), s.calibration().size()), targetFar);
    double[] pcaScores = pca.reconstructionError(test.pixels(), test.size());
    ClassResult.Detector pcaResult = detector(pcaScores, anomalous, pcaThreshold);

    writeScores(dir, vaeScores, pcaScores, anomalous, pkg.threshold().value(), pcaThreshold.value());
    writePriorSamples(dir, model, seed);
    EpochStats last = epochs.get(epochs.size() - 1);
    double meanRate = epochs.stream().mapToDouble(EpochStats::examplesPerSecond).average().orElse(Double.NaN);
    ClassResult r = new ClassResult(c, train.className(c), seed, vae, pcaResult, pkg.score().name(),
        pkg.selection().candidates(), testAuroc, last.epoch(), trainSeconds, meanRate,
        (System.nanoTime() - t0) / 1e9, pkg.sha256());
    JSON.writerWithDefaultPrettyPrinter().writeValue(cache.toFile(), r);
    log.printf(Locale.ROOT, "  -> VAE AUROC %.4f (score %s), PCA AUROC %.4f, %.0f s%n",
        vae.auroc(), r.chosenScore(), pcaResult.auroc(), r.totalSeconds());
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
    return new ClassResult.Detector(Metrics.auroc(scores, anomalous), Metrics.auprc(scores, anomalous),
        t.value(), falseAlarms / (double) normals, caught / (double) anomalies);
  }

  private static void writeScores(Path dir, double[] vae, double[] pca, boolean[] anomalous, double vaeT, double pcaT)
      throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("vae", vae);
    m.put("pca", pca);
    m.put("anomalous", anomalous);
    m.put("vae_threshold", vaeT);
    m.put("pca_threshold", pcaT);
    JSON.writeValue(dir.resolve("test-scores.json").toFile(), m);
  }

  private static void writePriorSamples(Path dir, VaeModel model, long seed) throws IOException {
    Plots.write(Plots.grid(model.samplePrior(64, seed), model.contract(), 8, 2), dir.resolve("prior-samples.png"));
  }

  static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
