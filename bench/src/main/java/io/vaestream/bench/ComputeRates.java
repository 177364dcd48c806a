package io.vaestream.bench;

import io.vaestream.detector.scoring.Scorer;
import io.vaestream.trainer.data.ImageDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the machine computes without Kafka: the scorer alone, and the float32 matrix-multiply rate
 * that bounds it. The detector's rates are read against these.
 */
final class ComputeRates {
  private ComputeRates() {}

  /**
   * Images/s of the scorer alone in batches of {@code b}, best of two passes over at most {@code
   * records} of the images.
   */
  static double scorer(Path model, ImageDataset images, int b, int records) {
    int size = images.contract().size();
    int n = Math.min(Math.max(b, Math.min(records, images.size())), images.size());
    // Batches are cut before the clock starts: only scoring is timed.
    List<float[]> slices = new ArrayList<>();
    for (int i = 0; i + b <= n; i += b) {
      slices.add(Arrays.copyOfRange(images.pixels(), i * size, (i + b) * size));
    }
    double best = 0;
    try (Scorer s = TrialRunner.onnx(model)) {
      for (int pass = 0; pass < 2; pass++) {
        long t0 = System.nanoTime();
        for (float[] slice : slices) {
          s.score(slice, b);
        }
        best = Math.max(best, slices.size() * (double) b / ((System.nanoTime() - t0) / 1e9));
      }
    }
    Log.bench(
        "scorer alone, %s, batch %-3d %9.0f images/s", model.getParent().getFileName(), b, best);
    return best;
  }

  /**
   * The machine's float32 matrix-multiply rate through ND4J/OpenBLAS: the better of the first
   * layer's shape at batch 256 and a square 1024 product.
   */
  static double gemmGflops() {
    double best = 0;
    for (long[] s : new long[][] {{256, 784, 512}, {1024, 1024, 1024}}) {
      INDArray a = Nd4j.rand(DataType.FLOAT, s[0], s[1]);
      INDArray b = Nd4j.rand(DataType.FLOAT, s[1], s[2]);
      double flop = 2.0 * s[0] * s[1] * s[2];
      int iters = (int) Math.max(3, 2e10 / flop);
      for (int rep = 0; rep < 3; rep++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < iters; i++) {
          a.mmul(b);
        }
        double gf = iters * flop / ((System.nanoTime() - t0) / 1e9) / 1e9;
        best = Math.max(best, gf);
      }
      Log.bench(
          "GEMM %dx%d * %dx%d (OpenBLAS via ND4J): best %.1f GFLOP/s so far",
          s[0], s[1], s[1], s[2], best);
    }
    return best;
  }
}
