package io.vaestream.trainer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScoreSelectorTest {

  /** Normals and anomalies that differ only in MSE; the other parts are noise. */
  private static ScoreParts parts(int n, double mseShift, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] bce = new float[n];
    float[] mse = new float[n];
    float[] kl = new float[n];
    double[] blurred = new double[n];
    double[] knnPixels = new double[n];
    double[] knnGradients = new double[n];
    double[] peaks = new double[n];
    for (int i = 0; i < n; i++) {
      bce[i] = (float) (100 + r.nextDouble() * 10);
      mse[i] = (float) (0.01 + mseShift + r.nextDouble() * 0.01);
      kl[i] = (float) (5 + r.nextDouble());
      blurred[i] = 0.002 + r.nextDouble() * 0.001;
      knnPixels[i] = 3 + r.nextDouble();
      knnGradients[i] = 0.5 + r.nextDouble() * 0.2;
      peaks[i] = 0.1 + r.nextDouble() * 0.05;
    }
    return new ScoreParts(n, bce, mse, blurred, kl, knnPixels, knnGradients, peaks, null);
  }

  @Test
  void shouldPickTheCandidateThatSeparatesValidationAnomaliesWhenAskedTo() {
    ScoreSelector.Selection s =
        ScoreSelector.semiSupervised(parts(200, 0, 1), parts(200, 0.02, 2), "rings");
    assertThat(s.chosen().reconstruction()).isEqualTo(ReconstructionKind.MSE);
    assertThat(s.candidates().get("mse")).isGreaterThan(0.99);
    assertThat(s.candidates().get("kl")).isBetween(0.35, 0.65);
    assertThat(s.definitions()).hasSize(s.candidates().size());
    assertThat(s.semiSupervised()).isTrue();
    assertThat(s.protocol())
        .startsWith("semi-supervised")
        .contains("200 labelled anomalies (rings)");
  }

  @Test
  void shouldFixTheScoreInAdvanceWithNormalsAlone() {
    ScoreSelector.Selection vae = ScoreSelector.oneClass(ScoreSelector.Kind.VAE, parts(50, 0, 1));
    assertThat(vae.chosen()).isEqualTo(ScoreDefinition.vae());
    assertThat(vae.chosen().reconstruction()).isEqualTo(ReconstructionKind.BLURRED_MSE);
    assertThat(vae.chosen().usesBank()).isFalse();
    assertThat(vae.candidates()).isEmpty();
    assertThat(vae.semiSupervised()).isFalse();
    assertThat(vae.protocol()).startsWith("one-class");

    ScoreSelector.Selection fused =
        ScoreSelector.oneClass(ScoreSelector.Kind.FUSED, parts(50, 0, 1));
    assertThat(fused.chosen().name()).isEqualTo("fused");
    assertThat(fused.chosen().usesBank()).isTrue();
  }

  @Test
  void shouldStandardiseEveryPartOfTheFusedScoreOnTheNormals() {
    ScoreParts normals = parts(500, 0, 3);
    ScoreDefinition d = ScoreSelector.fused(ScoreSelector.Kind.FUSED, normals);
    assertThat(d.fusion()).isEqualTo(ScoreDefinition.Fusion.SMOOTH_MAX);
    assertThat(d.terms())
        .extracting(ScoreDefinition.Term::part)
        .containsExactly(
            ScoreDefinition.Part.RECONSTRUCTION,
            ScoreDefinition.Part.KNN_PIXELS,
            ScoreDefinition.Part.KNN_GRADIENTS,
            ScoreDefinition.Part.MAP_PEAK);
    assertThat(d.usesBank()).isTrue();
    assertThat(d.usesMapPeak()).isTrue();
    // Each term alone is the part standardised on the normals: mean 0, spread 1.
    for (ScoreDefinition.Term t : d.terms()) {
      double[] alone = ScoreSelector.scores(
          new ScoreDefinition("one", d.reconstruction(), ScoreDefinition.Fusion.SUM, List.of(t)),
          normals);
      assertThat(Metrics.mean(alone)).as(t.part().label()).isCloseTo(0, offset(1e-9));
      assertThat(Metrics.std(alone)).as(t.part().label()).isCloseTo(1, offset(1e-6));
    }
  }

  @Test
  void shouldKeepTheSumOfThreePartsAsAnOption() {
    ScoreParts normals = parts(500, 0, 3);
    ScoreDefinition d =
        ScoreSelector.oneClass(ScoreSelector.Kind.FUSED_SUM, normals).chosen();
    assertThat(d.name()).isEqualTo("fused-sum");
    assertThat(d.fusion()).isEqualTo(ScoreDefinition.Fusion.SUM);
    assertThat(d.usesBank()).isTrue();
    assertThat(d.usesMapPeak()).isFalse();
    // Three independent standardised parts: mean 0, variance 3.
    double[] s = ScoreSelector.scores(d, normals);
    assertThat(Metrics.mean(s)).isCloseTo(0, offset(1e-9));
    assertThat(Metrics.std(s)).isCloseTo(Math.sqrt(3), offset(0.2));
  }

  /** The smooth maximum of a reconstruction term and a pixel-distance term. */
  private static ScoreDefinition smoothMax(
      double recWeight, double recOffset, double pixWeight, double pixOffset) {
    return new ScoreDefinition(
        "two",
        ReconstructionKind.BLURRED_MSE,
        ScoreDefinition.Fusion.SMOOTH_MAX,
        List.of(
            new ScoreDefinition.Term(ScoreDefinition.Part.RECONSTRUCTION, recWeight, recOffset),
            new ScoreDefinition.Term(ScoreDefinition.Part.KNN_PIXELS, pixWeight, pixOffset)));
  }

  @Test
  void shouldCombineTermsByTheirSmoothMaximum() {
    ScoreParts one = parts(1, 0, 5);
    double rec = one.blurredMse()[0];
    double pix = one.knnPixels()[0];
    ScoreDefinition d = smoothMax(1000, 1, 2, 3);
    double a = 1000 * rec - 1;
    double b = 2 * pix - 3;
    assertThat(d.score(one, 0)).isCloseTo(Math.log(Math.exp(a) + Math.exp(b)), offset(1e-12));
    // Far-out terms do not overflow: the largest term is taken out before the exponentials.
    ScoreDefinition far = smoothMax(1e6, 0, 1, 0);
    assertThat(far.score(one, 0)).isCloseTo(1e6 * rec, offset(1e-9)).isFinite();
    assertThat(d.formula()).startsWith("score = log(exp(").contains("knn_pixels");
  }

  @Test
  void shouldScaleWeightedCandidatesByTheSpreadOfNormals() {
    ScoreParts normals = parts(500, 0, 3);
    ScoreDefinition d = ScoreSelector.candidates(normals).stream()
        .filter(c -> c.name().equals("mse+1.0kl"))
        .findFirst()
        .orElseThrow();
    double[] s = ScoreSelector.scores(
        new ScoreDefinition("m", ReconstructionKind.MSE, d.reconstructionWeight(), 0), normals);
    assertThat(Metrics.std(s)).isCloseTo(1.0, offset(1e-6));
  }
}
