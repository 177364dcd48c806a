package io.vaestream.trainer.cli;

import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.report.Plots;
import io.vaestream.trainer.score.Pca;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sample}: new images from the prior, and a picture of the latent space. */
@Command(
    name = "sample",
    mixinStandardHelpOptions = true,
    description = {
      "Draws new images from the prior and pictures the latent space.",
      "Samples z ~ N(0, I), decodes it and writes a PNG grid; also draws the posterior means of labelled",
      "images in two dimensions (PCA when the latent size is above 2), coloured by class."
    })
final class SampleCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--run", required = true, description = "A directory written by 'train'.")
  Path run;

  @Option(
      names = "--count",
      defaultValue = "64",
      description = "Images to sample (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed for z (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", description = "PNG grid of samples (default: RUN/samples.png).")
  Path out;

  @Option(
      names = "--latent-data",
      defaultValue = "fashion-mnist:test",
      description =
          "Labelled images for the latent picture; 'none' to skip (default: ${DEFAULT-VALUE}).")
  String latentData;

  @Option(
      names = "--latent-out",
      description = "PNG of the latent space (default: RUN/latent.png).")
  Path latentOut;

  @Option(
      names = "--latent-points",
      defaultValue = "3000",
      description = "Images in the latent picture (default: ${DEFAULT-VALUE}).")
  int latentPoints;

  @Override
  public Integer call() throws Exception {
    if (count < 1 || count > 10_000) {
      throw new IllegalArgumentException("count=" + count + " is invalid: expected 1..10000");
    }
    if (latentPoints < 1) {
      throw new IllegalArgumentException(
          "latent-points=" + latentPoints + " is invalid: expected >= 1");
    }
    VaeModel model = VaeModel.load(run.resolve(TrainingRun.CHECKPOINT));
    int latent = model.spec().latentDim();
    List<float[]> tiles = model.samplePrior(count, seed);
    Path grid = out != null ? out : run.resolve("samples.png");
    Plots.write(Plots.grid(tiles, model.contract(), (int) Math.ceil(Math.sqrt(count)), 3), grid);
    spec.commandLine().getOut().printf("samples: %s (%d images from the prior)%n", grid, count);

    if (!"none".equalsIgnoreCase(latentData)) {
      // under the model's own contract: a 28 x 28 grey set once overran a colour model's input
      ImageDataset data = DataSources.open(latentData, model.contract()).sample(latentPoints, seed);
      // only μ is plotted: no posterior draws to decode
      VaeModel.Forward f = model.withPosteriorDraws(1).forward(data.pixels(), data.size());
      double[] xs = new double[data.size()];
      double[] ys = new double[data.size()];
      String how;
      if (latent == 2) {
        for (int i = 0; i < data.size(); i++) {
          xs[i] = f.mean[2 * i];
          ys[i] = f.mean[2 * i + 1];
        }
        how = "z";
      } else {
        double[] p = Pca.fit(f.mean, data.size(), latent, 2).project(f.mean, data.size());
        for (int i = 0; i < data.size(); i++) {
          xs[i] = p[2 * i + 1];
          ys[i] = p[2 * i];
        }
        how = "PCA of z";
      }
      List<String> names = new ArrayList<>();
      for (int c : data.distinctLabels()) {
        while (names.size() < c) {
          names.add(Integer.toString(names.size()));
        }
        names.add(data.className(c));
      }
      Path picture = latentOut != null ? latentOut : run.resolve("latent.png");
      Plots.write(
          Plots.scatter(
              "Posterior means μ (" + how + "), " + data.description(),
              xs,
              ys,
              data.labels(),
              names),
          picture);
      spec.commandLine().getOut().printf("latent:  %s (%d images)%n", picture, data.size());
    }
    return 0;
  }
}
