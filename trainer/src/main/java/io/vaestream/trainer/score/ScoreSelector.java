package io.vaestream.trainer.score;

import io.vaestream.trainer.model.VaeModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses how reconstruction and KL combine into the anomaly score, on validation data only.
 *
 * <p>The candidates are BCE alone, MSE alone, KL alone, the ELBO (BCE + KL), and weighted sums of
 * either reconstruction error with KL, each term scaled by its spread on the validation normals so
 * that the weight λ means the same thing for every model. With validation anomalies the candidate
 * of highest AUROC wins; with normals only there is nothing to rank, and the ELBO is kept.
 */
public final class ScoreSelector {
  private static final double[] LAMBDAS = {0.1, 0.3, 1, 3};

  private ScoreSelector() {}

  /**
   * The chosen definition, every candidate, and each candidate's validation AUROC (NaN without
   * anomalies).
   */
  public record Selection(ScoreDefinition chosen, List<ScoreDefinition> definitions, Map<String, Double> candidates) {
    public Selection {
      definitions = List.copyOf(definitions);
    }
  }

  public static Selection select(VaeModel.Forward normals, VaeModel.Forward anomalies) {
    List<ScoreDefinition> candidates = candidates(normals);
    Map<String, Double> aurocs = new LinkedHashMap<>();
    if (anomalies == null || anomalies.count == 0) {
      candidates.forEach(c -> aurocs.put(c.name(), Double.NaN));
      return new Selection(ScoreDefinition.elbo(), candidates, aurocs);
    }
    for (ScoreDefinition c : candidates) {
      aurocs.put(c.name(), auroc(c, normals, anomalies));
    }
    ScoreDefinition best =
        candidates.stream()
            .max(Comparator.comparingDouble((ScoreDefinition c) -> aurocs.get(c.name())))
            .orElseThrow();
    return new Selection(best, candidates, aurocs);
  }

  static List<ScoreDefinition> candidates(VaeModel.Forward normals) {
    double sdBce = spread(normals.bce);
    double sdMse = spread(normals.mse);
    double sdKl = spread(normals.kl);
    List<ScoreDefinition> c = new ArrayList<>();
    c.add(new ScoreDefinition("bce", ReconstructionKind.BCE, 1, 0));
    c.add(new ScoreDefinition("mse", ReconstructionKind.MSE, 1, 0));
    c.add(new ScoreDefinition("kl", ReconstructionKind.BCE, 0, 1));
    c.add(ScoreDefinition.elbo());
    for (double lambda : LAMBDAS) {
      c.add(new ScoreDefinition("bce+" + lambda + "kl", ReconstructionKind.BCE, 1 / sdBce, lambda / sdKl));
      c.add(new ScoreDefinition("mse+" + lambda + "kl", ReconstructionKind.MSE, 1 / sdMse, lambda / sdKl));
    }
    return c;
  }

  /** Scores of {@code f} under {@code d}. */
  public static double[] scores(ScoreDefinition d, VaeModel.Forward f) {
    double[] s = new double[f.count];
    for (int i = 0; i < f.count; i++) {
      s[i] = d.score(d.reconstructionError(f.bce[i], f.mse[i]), f.kl[i]);
    }
    return s;
  }

  private static double auroc(ScoreDefinition d, VaeModel.Forward normals, VaeModel.Forward anomalies) {
    double[] a = scores(d, normals);
    double[] b = scores(d, anomalies);
    double[] all = new double[a.length + b.length];
    boolean[] label = new boolean[all.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    java.util.Arrays.fill(label, a.length, all.length, true);
    return Metrics.auroc(all, label);
  }

  private static double spread(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    double s = Metrics.std(d);
    return s > 1e-12 ? s : 1;
  }
}
