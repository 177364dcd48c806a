package io.vaestream.trainer.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.trainer.model.VaeModel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScoreSelectorTest {

  /** Normals and anomalies that differ only in MSE; BCE and KL are noise. */
  private static VaeModel.Forward forward(int n, double mseShift, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    VaeModel.Forward f = new VaeModel.Forward(n, 1, 1);
    for (int i = 0; i < n; i++) {
      f.bce[i] = (float) (100 + r.nextDouble() * 10);
      f.mse[i] = (float) (0.01 + mseShift + r.nextDouble() * 0.01);
      f.kl[i] = (float) (5 + r.nextDouble());
    }
    return f;
  }

  @Test
  void shouldPickTheCandidateThatSeparatesValidationAnomalies() {
    ScoreSelector.Selection s = ScoreSelector.select(forward(200, 0, 1), forward(200, 0.02, 2));
    assertThat(s.chosen().reconstruction()).isEqualTo(ReconstructionKind.MSE);
    assertThat(s.candidates().get("mse")).isGreaterThan(0.99);
    assertThat(s.candidates().get("kl")).isBetween(0.35, 0.65);
    assertThat(s.definitions()).hasSize(s.candidates().size());
  }

  @Test
  void shouldKeepTheElboWithoutAnomalies() {
    ScoreSelector.Selection s = ScoreSelector.select(forward(50, 0, 1), null);
    assertThat(s.chosen()).isEqualTo(ScoreDefinition.elbo());
    assertThat(s.candidates().values()).allMatch(v -> v.isNaN());
  }

  @Test
  void shouldScaleWeightedCandidatesByTheSpreadOfNormals() {
    VaeModel.Forward normals = forward(500, 0, 3);
    ScoreDefinition d = ScoreSelector.candidates(normals).stream()
        .filter(c -> c.name().equals("mse+1.0kl")).findFirst().orElseThrow();
    double[] s = ScoreSelector.scores(new ScoreDefinition("m", ReconstructionKind.MSE, d.reconstructionWeight(), 0), normals);
    assertThat(Metrics.std(s)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
  }
}
