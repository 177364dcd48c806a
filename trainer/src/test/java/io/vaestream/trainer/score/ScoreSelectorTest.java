package io.vaestream.trainer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

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
    for (int i = 0; i < n; i++) {
      bce[i] = (float) (100 + r.nextDouble() * 10);
      mse[i] = (float) (0.01 + mseShift + r.nextDouble() * 0.01);
      kl[i] = (float) (5 + r.nextDouble());
      blurred[i] = 0.002 + r.nextDouble() * 0.001;
      knnPixels[i] = 3 + r.nextDouble();
      knnGradients[i] = 0.5 + r.nextDouble() * 0.2;
    }
    return new ScoreParts(n, bce, mse, blurred, kl, knnPixels, knnGradients, null);
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
    ScoreDefinition d = ScoreSelector.fused(normals);
    double[] s = ScoreSelector.scores(d, normals);
    // Three independent standardised parts: mean 0, variance 3.
    assertThat(Metrics.mean(s)).isCloseTo(0, offset(1e-9));
    assertThat(Metrics.std(s)).isCloseTo(Math.sqrt(3), offset(0.2));
    double[] pixelsOnly = ScoreSelector.scores(
        new ScoreDefinition("p", ReconstructionKind.MSE, 0, 0, d.pixelKnnWeight(), 0, 0), normals);
    assertThat(Metrics.std(pixelsOnly)).isCloseTo(1.0, offset(1e-6));
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
