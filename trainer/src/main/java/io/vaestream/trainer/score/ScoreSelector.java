package io.vaestream.trainer.score;

import io.vaestream.trainer.score.ScoreDefinition.Part;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides the anomaly score. By default with normal images alone (one-class): the score is fixed
 * in advance, and held-out normals only standardise its parts. With validation anomalies, given
 * explicitly, the candidate of highest validation AUROC wins (semi-supervised).
 *
 * <p>The one-class kinds are {@link Kind#FUSED} (the default), {@link Kind#FUSED_MAX}, {@link
 * Kind#FUSED_SHAPE}, {@link Kind#FUSED_SUM} and {@link Kind#VAE}, the VAE's blurred reconstruction
 * error alone (no memory bank, the fastest). The semi-supervised candidates are the smooth maximum
 * of four, the VAE's own score, BCE, MSE, KL, the ELBO, and weighted sums of either reconstruction
 * error with KL, each term scaled by its spread on the validation normals so that the weight λ
 * means the same thing for every model.
 */
public final class ScoreSelector {
  private static final double[] LAMBDAS = {0.1, 0.3, 1, 3};

  /** The label-free scores. */
  public enum Kind {
    /**
     * Where the {@link TransformClassifier} learnt its task on held-out normals (objects in a pose),
     * the sum of four standardised parts: the VAE's blurred reconstruction error, kNN in pixel
     * space, kNN in gradient space and the classifier's; elsewhere (surfaces), {@link #FUSED_MAX}.
     */
    FUSED,
    /**
     * Smooth maximum of the standardised VAE blurred reconstruction error, kNN in pixel space, kNN
     * in gradient space and anomaly-map peak: {@link #FUSED} without the transform classifier (the
     * default before it), a third of its work for a small model.
     */
    FUSED_MAX,
    /**
     * {@link #FUSED_MAX} with the nearest-neighbour features scaled to unit length: neighbours are
     * compared by shape, not by brightness.
     */
    FUSED_SHAPE,
    /**
     * Sum of the standardised VAE blurred reconstruction error, kNN in pixel space and kNN in
     * gradient space: the default before the map's peak joined, for anomalies of the whole image.
     */
    FUSED_SUM,
    /** The VAE's blurred reconstruction error alone. */
    VAE;

    /** The name on the command line and in reports: {@code fused-shape} for {@link #FUSED_SHAPE}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the score may take the {@link TransformClassifier}'s part, so that it is trained. */
    public boolean triesTransforms() {
      return this == FUSED;
    }

    /** Whether the memory bank compares unit-length features ({@link ImageFeatures#shapeOnly()}). */
    public boolean shapeOnly() {
      return this == FUSED_SHAPE;
    }
  }

  private ScoreSelector() {}

  /**
   * The chosen definition, every candidate, each candidate's validation AUROC (empty when chosen
   * with normals alone), and how it was chosen.
   */
  public record Selection(
      ScoreDefinition chosen,
      List<ScoreDefinition> definitions,
      Map<String, Double> candidates,
      String protocol) {
    public Selection {
      definitions = List.copyOf(definitions);
    }

    public boolean semiSupervised() {
      return !candidates.isEmpty();
    }
  }

  /**
   * The one-class choice: {@code kind}, standardised on held-out normals; for {@link Kind#FUSED}
   * with the transform classifier's part where {@code normals} have one and it learnt its task.
   */
  public static Selection oneClass(Kind kind, ScoreParts normals) {
    String protocol = "one-class: chosen in advance, standardised on held-out normals";
    double[] nll = normals.transformNll();
    boolean transforms = kind == Kind.FUSED && nll != null && TransformClassifier.learnt(nll);
    ScoreDefinition d = switch (kind) {
      case VAE -> ScoreDefinition.vae();
      case FUSED ->
        transforms
            ? standardisedParts(kind.label(), ScoreDefinition.Fusion.SUM, normals, Part.TRANSFORMS)
            : fused(kind, normals);
      case FUSED_MAX, FUSED_SHAPE -> fused(kind, normals);
      case FUSED_SUM -> fusedSum(normals);
    };
    if (nll != null) {
      protocol += String.format(
          Locale.ROOT,
          "; the transform classifier %s (held-out normals' mean -log p %.3f, %s %.3f)",
          transforms
              ? "learnt its task and joins the sum"
              : "did not learn its task and is left out",
          mean(nll),
          transforms ? "below" : "not below",
          TransformClassifier.LEARNT_BELOW);
    }
    return new Selection(d, List.of(d), Map.of(), protocol);
  }

  /**
   * The semi-supervised choice: the candidate of highest AUROC on held-out normals against the
   * given validation anomalies. {@code normals} must have bank distances.
   */
  public static Selection semiSupervised(
      ScoreParts normals, ScoreParts anomalies, String anomalySource) {
    List<ScoreDefinition> candidates = candidates(normals);
    Map<String, Double> aurocs = new LinkedHashMap<>();
    for (ScoreDefinition c : candidates) {
      aurocs.put(c.name(), auroc(c, normals, anomalies));
    }
    ScoreDefinition best = candidates.stream()
        .max(Comparator.comparingDouble((ScoreDefinition c) -> aurocs.get(c.name())))
        .orElseThrow();
    return new Selection(
        best,
        candidates,
        aurocs,
        "semi-supervised: chosen by validation AUROC against " + anomalies.count()
            + " labelled anomalies (" + anomalySource + ")");
  }

  /** Every score {@link #semiSupervised} chooses from. */
  static List<ScoreDefinition> candidates(ScoreParts normals) {
    double sdBce = spread(toDouble(normals.bce()));
    double sdMse = spread(toDouble(normals.mse()));
    double sdKl = spread(toDouble(normals.kl()));
    List<ScoreDefinition> c = new ArrayList<>();
    c.add(fused(Kind.FUSED_MAX, normals));
    c.add(ScoreDefinition.vae());
    c.add(new ScoreDefinition("bce", ReconstructionKind.BCE, 1, 0));
    c.add(new ScoreDefinition("mse", ReconstructionKind.MSE, 1, 0));
    c.add(new ScoreDefinition("kl", ReconstructionKind.BCE, 0, 1));
    c.add(ScoreDefinition.elbo());
    for (double lambda : LAMBDAS) {
      c.add(new ScoreDefinition(
          "bce+" + lambda + "kl", ReconstructionKind.BCE, 1 / sdBce, lambda / sdKl));
      c.add(new ScoreDefinition(
          "mse+" + lambda + "kl", ReconstructionKind.MSE, 1 / sdMse, lambda / sdKl));
    }
    return c;
  }

  /**
   * The smooth maximum of four parts, each minus its mean on {@code normals} and over its spread
   * there: the VAE's blurred reconstruction error, the distances to the bank in blurred-pixel and
   * gradient-orientation space, and the anomaly map's peak; named after {@code kind} ({@link
   * Kind#FUSED_MAX} or {@link Kind#FUSED_SHAPE}, whose bank alone differs; and {@link Kind#FUSED} where
   * the transform classifier is left out).
   */
  static ScoreDefinition fused(Kind kind, ScoreParts normals) {
    return standardisedParts(
        kind.label(), ScoreDefinition.Fusion.SMOOTH_MAX, normals, Part.MAP_PEAK);
  }

  /** The sum of the first three parts of {@link #fused}, each standardised the same way. */
  static ScoreDefinition fusedSum(ScoreParts normals) {
    return standardisedParts(Kind.FUSED_SUM.label(), ScoreDefinition.Fusion.SUM, normals, null);
  }

  /** The first three parts of {@link #fused} and {@code extra} (none when null), standardised. */
  private static ScoreDefinition standardisedParts(
      String name, ScoreDefinition.Fusion fusion, ScoreParts normals, Part extra) {
    if (normals.knnPixels() == null) {
      throw new IllegalArgumentException("the " + name + " score needs a memory bank");
    }
    List<ScoreDefinition.Term> terms = new ArrayList<>(List.of(
        standardised(ScoreDefinition.Part.RECONSTRUCTION, normals.blurredMse()),
        standardised(ScoreDefinition.Part.KNN_PIXELS, normals.knnPixels()),
        standardised(ScoreDefinition.Part.KNN_GRADIENTS, normals.knnGradients())));
    if (extra == Part.MAP_PEAK) {
      terms.add(standardised(extra, normals.mapPeaks()));
    } else if (extra == Part.TRANSFORMS) {
      terms.add(standardised(extra, normals.transformNll()));
    }
    return new ScoreDefinition(name, ReconstructionKind.BLURRED_MSE, fusion, terms);
  }

  private static ScoreDefinition.Term standardised(ScoreDefinition.Part part, double[] normals) {
    double sd = spread(normals);
    return new ScoreDefinition.Term(part, 1 / sd, mean(normals) / sd);
  }

  /** Scores of {@code p} under {@code d}. */
  public static double[] scores(ScoreDefinition d, ScoreParts p) {
    double[] s = new double[p.count()];
    for (int i = 0; i < p.count(); i++) {
      s[i] = d.score(p, i);
    }
    return s;
  }

  private static double auroc(ScoreDefinition d, ScoreParts normals, ScoreParts anomalies) {
    double[] a = scores(d, normals);
    double[] b = scores(d, anomalies);
    double[] all = new double[a.length + b.length];
    boolean[] label = new boolean[all.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    Arrays.fill(label, a.length, all.length, true);
    return Metrics.auroc(all, label);
  }

  private static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(0);
  }

  private static double spread(double[] v) {
    double s = Metrics.std(v);
    return s > 1e-12 ? s : 1;
  }
}
