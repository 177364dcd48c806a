package io.vaestream.trainer.score;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Principal component analysis by eigen-decomposition of the covariance matrix, or, with fewer
 * rows than values a row, of the rows' Gram matrix (n × n instead of d × d: 128 × 128 colour
 * images have d = 49,152, whose covariance alone would take 19 GB). It serves as the evaluation's
 * baseline (reconstruction error from the top k components) and to draw latent spaces in two
 * dimensions.
 */
public final class Pca {
  private final INDArray mean; // [1, d]
  private final INDArray components; // [d, k], orthonormal columns

  private Pca(INDArray mean, INDArray components) {
    this.mean = mean;
    this.components = components;
  }

  /** Fits {@code k} components to {@code count} rows of {@code dim} values. */
  public static Pca fit(float[] rows, int count, int dim, int k) {
    if (k < 1 || k > dim) {
      throw new IllegalArgumentException("PCA k=" + k + " must be within 1.." + dim);
    }
    INDArray x = Nd4j.create(rows, new long[] {count, dim}, 'c').castTo(DataType.DOUBLE);
    INDArray mean = x.mean(true, 0);
    INDArray centred = x.subRowVector(mean);
    if (count < dim) {
      return new Pca(mean, fromGram(centred, k));
    }
    return byCovariance(mean, centred, count, k);
  }

  /** As {@link #fit}, always by the covariance matrix (for the test that checks the Gram route). */
  static Pca fitByCovariance(float[] rows, int count, int dim, int k) {
    INDArray x = Nd4j.create(rows, new long[] {count, dim}, 'c').castTo(DataType.DOUBLE);
    INDArray mean = x.mean(true, 0);
    return byCovariance(mean, x.subRowVector(mean), count, k);
  }

  private static Pca byCovariance(INDArray mean, INDArray centred, int count, int k) {
    INDArray cov = centred.transpose().mmul(centred).divi(Math.max(1, count - 1));
    // Eigen vectors come back in cov's columns, eigenvalues ascending.
    INDArray evals = Eigen.symmetricGeneralizedEigenvalues(cov, true);
    int d = (int) evals.length();
    INDArray top = cov.get(NDArrayIndex.all(), NDArrayIndex.interval(d - k, d)).dup();
    return new Pca(mean, top);
  }

  /**
   * The top {@code k} principal directions of the rows of {@code centred} [n, d] from its Gram
   * matrix: if u is an eigenvector of X·Xᵀ, Xᵀ·u is one of Xᵀ·X with the same eigenvalue, and is
   * normalised here to unit length.
   */
  private static INDArray fromGram(INDArray centred, int k) {
    INDArray gram = centred.mmul(centred.transpose());
    INDArray evals =
        Eigen.symmetricGeneralizedEigenvalues(gram, true); // vectors into gram's columns
    int n = (int) gram.columns();
    // centred rows span at most n - 1 directions: eigenvalues at rounding level are no direction
    double largest = evals.getDouble(n - 1);
    int rank = 0;
    while (rank < n && evals.getDouble(n - 1 - rank) > 1e-9 * largest) {
      rank++;
    }
    int kept = Math.max(1, Math.min(k, rank));
    INDArray u =
        gram.get(NDArrayIndex.all(), NDArrayIndex.interval(n - kept, n)).dup();
    INDArray v = centred.transpose().mmul(u);
    return v.diviRowVector(v.norm2(0));
  }

  /** Projections onto the components, {@code [count, k]} row-major. */
  public double[] project(float[] rows, int count) {
    INDArray x = Nd4j.create(rows, new long[] {count, mean.length()}, 'c').castTo(DataType.DOUBLE);
    return x.subRowVector(mean).mmul(components).dup('c').data().asDouble();
  }

  /** Squared reconstruction error of every row from the top k components. */
  public double[] reconstructionError(float[] rows, int count) {
    INDArray x = Nd4j.create(rows, new long[] {count, mean.length()}, 'c').castTo(DataType.DOUBLE);
    INDArray centred = x.subRowVector(mean);
    INDArray recon = centred.mmul(components).mmul(components.transpose());
    INDArray diff = centred.sub(recon);
    return diff.muli(diff).sum(1).data().asDouble();
  }

  public int components() {
    return (int) components.columns();
  }
}
