package io.vaestream.trainer.model;

import io.vaestream.trainer.data.ImageDataset;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.ListenerVariables;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits a {@link VaeModel} with SameDiff and Adam. Shuffling and ε come from one seeded generator,
 * so the same settings and data give the same weights.
 */
public final class VaeTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(VaeTrainer.class);

  private final Consumer<EpochStats> onEpoch;
  private final EpochCallback afterEpoch;
  private Consumer<String> progress;
  private long progressEvery;

  /** Called after every epoch with the model, for checkpoints. */
  @FunctionalInterface
  public interface EpochCallback {
    void accept(VaeModel model) throws IOException;
  }

  public VaeTrainer(Consumer<EpochStats> onEpoch, EpochCallback afterEpoch) {
    this.onEpoch = onEpoch;
    this.afterEpoch = afterEpoch;
  }

  /**
   * This trainer, also saying how far an epoch has got every {@code every} of it: at camera sizes
   * an epoch takes minutes, and without it the first word came after the first of them.
   */
  public VaeTrainer withProgress(Consumer<String> progress, Duration every) {
    this.progress = progress;
    this.progressEvery = every.toNanos();
    return this;
  }

  /** Trains a fresh model for {@code config.epochs()} epochs. */
  public VaeModel fit(VaeConfig config, ImageDataset train, ImageDataset validation)
      throws IOException {
    return resume(VaeModel.initialise(config, train.contract()), train, validation);
  }

  /** Continues training {@code model} until it has done {@code config.epochs()} epochs. */
  public VaeModel resume(VaeModel model, ImageDataset train, ImageDataset validation)
      throws IOException {
    VaeConfig config = model.config();
    if (train.isEmpty()) {
      throw new IllegalArgumentException("no training images in " + train.description());
    }
    if (!train.contract().equals(model.contract())) {
      throw new IllegalArgumentException(
          "training images are " + train.contract() + " but the model expects " + model.contract());
    }
    SameDiff sd = model.graph();
    if (sd.getTrainingConfig() == null) {
      // A checkpoint brings its own, with Adam's step count: a new one restarted the bias
      // correction on moments already trained, and a resumed run learnt slower than one straight.
      sd.setTrainingConfig(TrainingConfig.builder()
          .updater(new Adam(config.learningRate()))
          .dataSetFeatureMapping(VaeGraph.INPUT, VaeGraph.EPS, VaeGraph.TARGET)
          .markLabelsUnused()
          .minimize(VaeGraph.LOSS)
          .build());
    }
    quietly(sd::createGradFunction);
    int n = train.contract().size();
    int latent = config.latentDim();
    Restoration restoration = config.restoration();
    restoration.check(train.contract());
    int count = train.size();
    float[] pixels = train.pixels();
    // One stream per epoch, derived from the seed, so a resumed run sees the same batches.
    long started = System.nanoTime();
    LossTerms terms = new LossTerms();
    NativeMemory memory = new NativeMemory();
    int firstEpoch = model.epochsDone();
    for (int epoch = firstEpoch + 1; epoch <= config.epochs(); epoch++) {
      Random rnd = new Random(config.seed() * 1_000_003L + epoch);
      int[] order = ImageDataset.shuffledIndices(count, rnd::nextInt);
      long t0 = System.nanoTime();
      long lastProgress = t0;
      double lossSum = 0;
      double reconSum = 0;
      double klSum = 0;
      int batches = 0;
      // A trailing batch of a single image is skipped (unless it is the only one, or batches are).
      int usable = count > 1 && config.batchSize() > 1 && (count - 1) % config.batchSize() == 0
          ? count - 1
          : count;
      for (int start = 0; start < usable; start += config.batchSize()) {
        int b = Math.min(config.batchSize(), usable - start);
        float[] xb = new float[b * n];
        for (int i = 0; i < b; i++) {
          System.arraycopy(pixels, order[start + i] * n, xb, i * n, n);
        }
        INDArray target = Nd4j.create(xb, train.contract().shape(b), 'c');
        INDArray x = target;
        if (restoration == Restoration.ROTATIONS) {
          // Each image turned by a random multiple of 90°; the target stays upright.
          float[] turned = new float[xb.length];
          for (int i = 0; i < b; i++) {
            Restoration.rotate(xb, i * n, train.contract(), rnd.nextInt(4), turned, i * n);
          }
          x = Nd4j.create(turned, train.contract().shape(b), 'c');
        }
        float[] e = new float[b * latent];
        for (int i = 0; i < e.length; i++) {
          e[i] = (float) rnd.nextGaussian();
        }
        INDArray eps = Nd4j.create(e, new long[] {b, latent}, 'c');
        MultiDataSet mds = new MultiDataSet(new INDArray[] {x, eps, target}, new INDArray[0]);
        try {
          sd.fit(mds, terms);
        } finally {
          target.close();
          x.close();
          eps.close();
        }
        memory.check();
        double r = terms.reconstruction;
        double k = terms.kl;
        if (!Double.isFinite(r + k)) {
          // stopped before the next checkpoint, which would overwrite the last good one
          throw new IllegalArgumentException(String.format(
              Locale.ROOT,
              "training diverged in epoch %d (reconstruction %s, KL %s); the last checkpoint "
                  + "keeps epoch %d: train again with a lower --learning-rate than %s",
              epoch,
              r,
              k,
              epoch - 1,
              config.learningRate()));
        }
        reconSum += r;
        klSum += k;
        lossSum += r + config.beta() * k;
        batches++;
        long now = System.nanoTime();
        if (progress != null && now - lastProgress >= progressEvery && start + b < usable) {
          lastProgress = now;
          progress.accept(progressLine(epoch, config.epochs(), start + b, usable, now - t0));
        }
      }
      model.setEpochsDone(epoch);
      double seconds = (System.nanoTime() - t0) / 1e9;
      double elapsed = (System.nanoTime() - started) / 1e9;
      int done = epoch - firstEpoch;
      Duration eta = Duration.ofMillis((long) (elapsed / done * (config.epochs() - epoch) * 1000));
      double val = validation == null || validation.isEmpty()
          ? Double.NaN
          : validationLoss(model, validation);
      EpochStats stats = new EpochStats(
          epoch,
          config.epochs(),
          lossSum / batches,
          reconSum / batches,
          klSum / batches,
          val,
          count / seconds,
          eta);
      LOG.debug("epoch {} done: {}", epoch, stats);
      onEpoch.accept(stats);
      afterEpoch.accept(model);
    }
    return model;
  }

  /**
   * "epoch 1/20: 180 of 900 images at 5.9 img/s; 2:02 to the epoch's end, about 51:02 in all", at
   * this epoch's pace.
   */
  static String progressLine(int epoch, int epochs, int done, int count, long nanos) {
    double rate = done / (nanos / 1e9);
    long epochLeft = Math.round((count - done) / rate);
    long allLeft = epochLeft + Math.round((double) (epochs - epoch) * count / rate);
    return String.format(
        Locale.ROOT,
        "epoch %d/%d: %d of %d images at %.1f img/s; %d:%02d to the epoch's end, about %d:%02d in all",
        epoch,
        epochs,
        done,
        count,
        rate,
        epochLeft / 60,
        epochLeft % 60,
        allLeft / 60,
        allLeft % 60);
  }

  /**
   * Picks the two loss terms out of the training pass itself, so that reporting them costs no
   * extra forward pass.
   */
  private static final class LossTerms extends BaseListener {
    double reconstruction;
    double kl;

    @Override
    public boolean isActive(Operation operation) {
      return operation == Operation.TRAINING;
    }

    @Override
    public ListenerVariables requiredVariables(SameDiff sd) {
      return ListenerVariables.builder()
          .trainingVariables(VaeGraph.LOSS_RECON, VaeGraph.LOSS_KL)
          .build();
    }

    @Override
    public void activationAvailable(
        SameDiff sd,
        At at,
        // qualified: the imported MultiDataSet is the class, this is the interface it implements
        org.nd4j.linalg.dataset.api.MultiDataSet batch,
        SameDiffOp op,
        String varName,
        INDArray activation) {
      if (VaeGraph.LOSS_RECON.equals(varName)) {
        reconstruction = activation.getDouble(0);
      } else if (VaeGraph.LOSS_KL.equals(varName)) {
        kl = activation.getDouble(0);
      }
    }
  }

  /**
   * Mean −ELBO (BCE + KL) per image, the BCE averaged over the latent points the model scores at
   * (z = μ, and its posterior draws where it has them).
   */
  static double validationLoss(VaeModel model, ImageDataset validation) {
    ImageDataset v = validation.sample(1000, 7);
    VaeModel.Forward f = model.forward(v.pixels(), v.size());
    double s = 0;
    for (int i = 0; i < f.count; i++) {
      s += f.bce[i] + f.kl[i];
    }
    return s / f.count;
  }

  /**
   * SameDiff prints a line to standard output for every op it differentiates; the command line's
   * output is for the user, so that chatter is dropped.
   */
  public static void quietly(Runnable r) {
    PrintStream out = System.out;
    synchronized (System.class) {
      System.setOut(new PrintStream(OutputStream.nullOutputStream()));
      try {
        r.run();
      } finally {
        System.setOut(out);
      }
    }
  }
}
