package io.vaestream.trainer.score;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Principal component analysis by eigen-decomposition of the covariance matrix. It serves as the
 * evaluation's baseline (reconstruction error from the top k components) and to draw latent
 * spaces in two dimensions.
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
    INDArray cov = centred.transpose().mmul(centred).divi(Math.max(1, count - 1));
    // Eigen vectors come back in cov's columns, eigenvalues ascending.
    INDArray evals = Eigen.symmetricGeneralizedEigenvalues(cov, true);
    int d = (int) evals.length();
    INDArray top = cov.get(NDArrayIndex.all(), NDArrayIndex.interval(d - k, d)).dup();
    return new Pca(mean, top);
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
