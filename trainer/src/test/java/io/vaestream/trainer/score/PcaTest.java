package io.vaestream.trainer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PcaTest {
  /** Rows with a few strong directions and noise, so that the top components are well apart. */
  private static float[] rows(int n, int d, long seed) {
    Random r = new Random(seed);
    float[][] basis = new float[6][d];
    for (float[] b : basis) {
      for (int j = 0; j < d; j++) {
        b[j] = (float) r.nextGaussian();
      }
    }
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < basis.length; c++) {
        double a = r.nextGaussian() * (basis.length - c);
        for (int j = 0; j < d; j++) {
          x[i * d + j] += (float) (a * basis[c][j]);
        }
      }
      for (int j = 0; j < d; j++) {
        x[i * d + j] += (float) (0.05 * r.nextGaussian());
      }
    }
    return x;
  }

  /** Fewer rows than values a row: the Gram matrix gives the covariance's components. */
  @Test
  void shouldFindTheCovariancesComponentsFromTheGramMatrix() {
    int n = 40;
    int d = 300;
    float[] train = rows(n, d, 1);
    float[] test = rows(25, d, 2);

    Pca gram = Pca.fit(train, n, d, 4);
    Pca cov = Pca.fitByCovariance(train, n, d, 4);

    double[] a = gram.reconstructionError(test, 25);
    double[] b = cov.reconstructionError(test, 25);
    for (int i = 0; i < a.length; i++) {
      assertThat(a[i]).as("row %d", i).isCloseTo(b[i], within(1e-6 * Math.max(1, b[i])));
    }
    assertThat(gram.components()).isEqualTo(4);
  }

  /** More components asked for than the rows span: only the directions they have, orthonormal. */
  @Test
  void shouldKeepOnlyTheDirectionsAFewRowsSpan() {
    int n = 10;
    int d = 200;
    float[] train = rows(n, d, 3);
    Pca pca = Pca.fit(train, n, d, 32);
    assertThat(pca.components()).isEqualTo(n - 1);
    // the training rows lie in their own span: reconstructed to rounding
    for (double e : pca.reconstructionError(train, n)) {
      assertThat(e).isLessThan(1e-6);
    }
  }
}
