import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.data.ImageShape;
import io.vaestream.trainer.eval.EvaluationData;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.model.VaeTrainer;
import io.vaestream.trainer.score.ImageFeatures;
import io.vaestream.trainer.score.Metrics;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Tries the VAE's own score as a reconstruction probability (An and Cho, 2015) on a development
 * set: the blurred error averaged over draws z = μ + σ⊙ε of the encoder's posterior, beside the
 * shipped blurred error at z = μ. Trains each class's VAE as {@code evaluate} does (same splits,
 * same defaults) and prints each variant's AUROC on the development test split.
 *
 * <pre>
 * java -cp "$(ls tools/target/vaestream-tools-*.jar):$(cat tools/target/classpath.txt)" \
 *     scripts/DevSampled.java fashion-mnist:train 1
 * </pre>
 */
public class DevSampled {
  static final int[] DRAWS = {2, 4, 8};

  public static void main(String[] args) throws Exception {
    String spec = args[0];
    long seed = Long.parseLong(args[1]);
    EvaluationData data = EvaluationData.open(spec, spec, ImageShape.AUTO, 0.2, 42);
    ImageDataset test = data.test();
    Map<String, double[]> sums = new LinkedHashMap<>();
    int classes = 0;
    for (int c : data.train().distinctLabels()) {
      TrainingRun run = TrainingRun.defaults(spec, Set.of(c), VaeConfig.defaults(VaeArchitecture.MLP).withSeed(seed));
      TrainingRun.Splits s = run.splits(data.train());
      VaeModel model = new VaeTrainer(e -> {}, m -> {}).fit(run.config(), s.train(), s.calibration());
      boolean[] anomalous = new boolean[test.size()];
      for (int i = 0; i < test.size(); i++) {
        anomalous[i] = test.label(i) != c;
      }
      Map<String, double[]> scores = scores(model, test);
      StringBuilder line = new StringBuilder("class " + c);
      for (var e : scores.entrySet()) {
        double a = 100 * Metrics.auroc(e.getValue(), anomalous);
        sums.computeIfAbsent(e.getKey(), k -> new double[1])[0] += a;
        line.append(String.format(Locale.ROOT, "  %s %.2f", e.getKey(), a));
      }
      classes++;
      System.out.println(line);
    }
    StringBuilder mean = new StringBuilder("mean   ");
    for (var e : sums.entrySet()) {
      mean.append(String.format(Locale.ROOT, "  %s %.2f", e.getKey(), e.getValue()[0] / classes));
    }
    System.out.println(mean);
  }

  static Map<String, double[]> scores(VaeModel model, ImageDataset d) {
    int n = d.contract().size();
    int latent = model.spec().latentDim();
    ImageFeatures features = new ImageFeatures(d.contract());
    VaeModel.Forward f = model.forward(d.pixels(), d.size());
    Map<String, double[]> out = new LinkedHashMap<>();
    double[] atMean = new double[d.size()];
    for (int i = 0; i < d.size(); i++) {
      atMean[i] = ImageFeatures.mean(features.anomalyMap(d.pixels(), i * n, f.reconstruction, i * n));
    }
    out.put("mu", atMean);
    // the same fixed draws for every image, as a graph would hold them
    Random rnd = new Random(7);
    int most = DRAWS[DRAWS.length - 1];
    float[][] eps = new float[most][latent];
    for (float[] e : eps) {
      for (int j = 0; j < latent; j++) {
        e[j] = (float) rnd.nextGaussian();
      }
    }
    double[] errorSum = new double[d.size()];
    double[] lastError = new double[d.size()];
    float[] reconSum = new float[d.size() * n];
    float[] z = new float[d.size() * latent];
    int drawn = 0;
    for (int k = 0; k < most; k++) {
      for (int i = 0; i < d.size(); i++) {
        for (int j = 0; j < latent; j++) {
          int at = i * latent + j;
          z[at] = f.mean[at] + (float) Math.exp(0.5 * f.logVar[at]) * eps[k][j];
        }
      }
      float[] rec = model.decode(z, d.size());
      for (int i = 0; i < d.size(); i++) {
        lastError[i] = ImageFeatures.mean(features.anomalyMap(d.pixels(), i * n, rec, i * n));
        errorSum[i] += lastError[i];
      }
      for (int p = 0; p < rec.length; p++) {
        reconSum[p] += rec[p];
      }
      drawn++;
      for (int draws : DRAWS) {
        if (draws == drawn) {
          out.put("E[err]@" + draws, errorSum.clone());
          float[] meanRec = reconSum.clone();
          for (int p = 0; p < meanRec.length; p++) {
            meanRec[p] /= draws;
          }
          double[] e = new double[d.size()];
          for (int i = 0; i < d.size(); i++) {
            e[i] = ImageFeatures.mean(features.anomalyMap(d.pixels(), i * n, meanRec, i * n));
          }
          out.put("err(E[rec])@" + draws, e);
          // z = μ counted as the first of the draws
          double[] withMean = new double[d.size()];
          for (int i = 0; i < d.size(); i++) {
            withMean[i] = (atMean[i] + errorSum[i] - lastError[i]) / draws;
          }
          out.put("mu+" + (draws - 1), withMean);
        }
      }
    }
    return out;
  }
}
