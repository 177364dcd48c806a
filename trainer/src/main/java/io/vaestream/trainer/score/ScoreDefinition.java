package io.vaestream.trainer.score;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An anomaly score made of terms, each {@code weight · part − offset}, combined by a {@link Fusion}:
 * their sum, or their smooth maximum {@code log Σ exp(term)}. The parts are the VAE's
 * reconstruction error (measured by {@link #reconstruction()}) and KL, the distances to a {@link
 * MemoryBank} of training normals, the peak of the anomaly map, and the {@link
 * TransformClassifier}'s surprise at the transforms an image was given. The exported graph computes
 * exactly this, so the detector needs no scoring code of its own. In a fused score each term is a
 * part standardised on held-out normals: the weight is one over the part's spread there, and the
 * offset its mean over that spread.
 */
public record ScoreDefinition(
    String name, ReconstructionKind reconstruction, Fusion fusion, List<Term> terms) {

  /** What a term measures, per image. */
  public enum Part {
    /** The VAE's reconstruction error, as {@link ScoreDefinition#reconstruction()} measures it. */
    RECONSTRUCTION("reconstruction_error"),
    /** The VAE's KL divergence from the prior. */
    KL("kl"),
    /** Distance to the nearest training normals in blurred, pooled pixels. */
    KNN_PIXELS("knn_pixels"),
    /** Distance to the nearest training normals in gradient-orientation features. */
    KNN_GRADIENTS("knn_gradients"),
    /** The highest value of the image's anomaly map. */
    MAP_PEAK("map_peak"),
    /** The {@link TransformClassifier}'s mean −log p of the transforms an image was given. */
    TRANSFORMS("transform_nll");

    private final String label;

    Part(String label) {
      this.label = label;
    }

    /** The part's name in formulas and, where it is one, the ONNX output's name. */
    public String label() {
      return label;
    }
  }

  /** How the terms are combined. */
  public enum Fusion {
    /** Their sum. */
    SUM,
    /**
     * Their smooth maximum, {@code log Σ exp(term)}: one part far out is enough, as with a maximum,
     * and parts that agree still add up, as with a sum.
     */
    SMOOTH_MAX
  }

  /** {@code weight · part − offset}. */
  public record Term(Part part, double weight, double offset) {
    public Term {
      Objects.requireNonNull(part, "part");
      if (!Double.isFinite(weight) || weight <= 0 || !Double.isFinite(offset)) {
        throw new IllegalArgumentException(
            "a score term needs a finite positive weight and a finite offset, got weight " + weight
                + " and offset " + offset + " for " + part + " (did training diverge?)");
      }
    }
  }

  public ScoreDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(reconstruction, "reconstruction");
    Objects.requireNonNull(fusion, "fusion");
    terms = List.copyOf(terms);
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("a score needs at least one term: " + name);
    }
    Set<Part> seen = EnumSet.noneOf(Part.class);
    for (Term t : terms) {
      if (!seen.add(t.part())) {
        throw new IllegalArgumentException("score " + name + " has two " + t.part() + " terms");
      }
    }
  }

  /** {@code reconstructionWeight · reconstruction_error + klWeight · kl}, terms of weight 0 left out. */
  public ScoreDefinition(
      String name,
      ReconstructionKind reconstruction,
      double reconstructionWeight,
      double klWeight) {
    this(name, reconstruction, Fusion.SUM, weighted(reconstructionWeight, klWeight));
  }

  private static List<Term> weighted(double reconstructionWeight, double klWeight) {
    List<Term> t = new ArrayList<>();
    if (reconstructionWeight != 0) {
      t.add(new Term(Part.RECONSTRUCTION, reconstructionWeight, 0));
    }
    if (klWeight != 0) {
      t.add(new Term(Part.KL, klWeight, 0));
    }
    return t;
  }

  /** The VAE's own label-free score: the blurred reconstruction error, nothing else. */
  public static ScoreDefinition vae() {
    return new ScoreDefinition("vae", ReconstructionKind.BLURRED_MSE, 1, 0);
  }

  /** −ELBO at z = μ with BCE likelihood: the classic VAE anomaly score. */
  public static ScoreDefinition elbo() {
    return new ScoreDefinition("elbo", ReconstructionKind.BCE, 1, 1);
  }

  /** The weight of {@code part}'s term, 0 when the score has none. */
  public double weight(Part part) {
    return terms.stream()
        .filter(t -> t.part() == part)
        .mapToDouble(Term::weight)
        .sum();
  }

  public double reconstructionWeight() {
    return weight(Part.RECONSTRUCTION);
  }

  public double klWeight() {
    return weight(Part.KL);
  }

  /** Whether the score needs the memory bank. */
  public boolean usesBank() {
    return weight(Part.KNN_PIXELS) > 0 || weight(Part.KNN_GRADIENTS) > 0;
  }

  /** Whether the score needs the anomaly map's peak. */
  public boolean usesMapPeak() {
    return weight(Part.MAP_PEAK) > 0;
  }

  /** Whether the score needs the transform classifier. */
  public boolean usesTransforms() {
    return weight(Part.TRANSFORMS) > 0;
  }

  /** The value of {@code part} for image {@code i} of {@code p}. */
  public double part(Part part, ScoreParts p, int i) {
    return switch (part) {
      case RECONSTRUCTION -> p.reconstructionError(reconstruction, i);
      case KL -> p.kl()[i];
      case KNN_PIXELS -> p.knnPixels()[i];
      case KNN_GRADIENTS -> p.knnGradients()[i];
      case MAP_PEAK -> p.mapPeaks()[i];
      case TRANSFORMS -> p.transformNll()[i];
    };
  }

  /** The score of image {@code i} of {@code p}. */
  public double score(ScoreParts p, int i) {
    double[] v = new double[terms.size()];
    for (int j = 0; j < v.length; j++) {
      Term t = terms.get(j);
      v[j] = t.weight() * part(t.part(), p, i) - t.offset();
    }
    if (fusion == Fusion.SUM) {
      return Arrays.stream(v).sum();
    }
    double max = Arrays.stream(v).max().orElseThrow();
    return max + Math.log(Arrays.stream(v).map(x -> Math.exp(x - max)).sum());
  }

  /** A human-readable formula, stored in the model's metadata. */
  public String formula() {
    List<String> values = new ArrayList<>();
    for (Term t : terms) {
      String part = t.part() == Part.RECONSTRUCTION
          ? "reconstruction_error(" + reconstruction.name().toLowerCase(Locale.ROOT) + ")"
          : t.part().label();
      values.add(String.format(Locale.ROOT, "%s * %s", t.weight(), part)
          + (t.offset() == 0 ? "" : String.format(Locale.ROOT, " - %s", t.offset())));
    }
    return fusion == Fusion.SUM
        ? values.stream()
            .map(v -> v.contains(" - ") ? "(" + v + ")" : v)
            .collect(Collectors.joining(" + ", "score = ", ""))
        : values.stream()
            .map(v -> "exp(" + v + ")")
            .collect(Collectors.joining(" + ", "score = log(", ")"));
  }
}
