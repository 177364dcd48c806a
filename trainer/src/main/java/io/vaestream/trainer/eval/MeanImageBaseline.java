package io.vaestream.trainer.eval;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.score.ImageFeatures;
import java.util.stream.IntStream;

/**
 * The simple baseline of localization: how far each pixel lies from the mean normal image, in units
 * of the normals' own standard deviation at that pixel and channel, blurred like the VAE's map and
 * averaged over the channels. A fixed template, with nothing learned but two moments per pixel. (The
 * shipped map adds this very term to the VAE's scaled residual: {@link
 * io.vaestream.trainer.score.MapScale}.)
 */
final class MeanImageBaseline {
  private static final float MIN_STD = 1f / 255;

  private final ImageContract contract;
  private final float[] mean;
  private final float[] std;

  private MeanImageBaseline(ImageContract contract, float[] mean, float[] std) {
    this.contract = contract;
    this.mean = mean;
    this.std = std;
  }

  static MeanImageBaseline fit(ImageDataset normals) {
    int size = normals.contract().size();
    double[] sum = new double[size];
    double[] sq = new double[size];
    for (int i = 0; i < normals.size(); i++) {
      for (int j = 0; j < size; j++) {
        double v = normals.pixels()[i * size + j];
        sum[j] += v;
        sq[j] += v * v;
      }
    }
    float[] mean = new float[size];
    float[] std = new float[size];
    int n = normals.size();
    for (int j = 0; j < size; j++) {
      double m = sum[j] / n;
      mean[j] = (float) m;
      std[j] = (float) Math.max(MIN_STD, Math.sqrt(Math.max(0, sq[j] / n - m * m)));
    }
    return new MeanImageBaseline(normals.contract(), mean, std);
  }

  /** The maps of every image of {@code images}, {@code width × height} values each. */
  float[] maps(ImageDataset images) {
    ImageFeatures f = new ImageFeatures(contract);
    int size = contract.size();
    int plane = contract.width() * contract.height();
    float[] out = new float[images.size() * plane];
    // the map of (x − μ)/σ against a "reconstruction" of zeros: blur, square, mean over channels
    float[] zeros = new float[size];
    IntStream.range(0, images.size()).parallel().forEach(i -> {
      float[] z = new float[size];
      for (int j = 0; j < size; j++) {
        z[j] = (images.pixels()[i * size + j] - mean[j]) / std[j];
      }
      System.arraycopy(f.anomalyMap(z, 0, zeros, 0), 0, out, i * plane, plane);
    });
    return out;
  }
}
