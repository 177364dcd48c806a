package io.vaestream.trainer.model;

import io.vaestream.schemas.ImageContract;
import java.util.Objects;

/**
 * Everything that decides a training run. Immutable and validated: a bad value fails here, with
 * the name of the setting, before any data is read.
 *
 * @param architecture MLP or convolutional encoder/decoder
 * @param latentDim size of z
 * @param beta weight of the KL term in the loss (β-VAE; 1 is the classic ELBO)
 * @param epochs passes over the training images
 * @param batchSize images per gradient step, or {@link #AUTO_BATCH} to let {@link
 *     #batchSizeFor} choose from the image size
 * @param learningRate Adam step size
 * @param seed fixes weight initialisation, shuffling and ε, so a run is reproducible
 * @param width hidden width: units of the dense layers, filters of the first convolution
 * @param restoration what the VAE learns to undo ({@link Restoration#NONE}: a plain VAE)
 * @param posteriorDraws the latent points the reconstruction error is averaged over when an image
 *     is scored: z = μ, then {@code posteriorDraws − 1} draws z = μ + σ ⊙ ε from the encoder's
 *     posterior, with ε fixed by {@link #seed} (1: at z = μ only). An image the VAE has not learnt
 *     sits where a small move in z changes the reconstruction a lot, so the average separates it
 *     better than the error at μ (An and Cho's reconstruction probability; docs/evaluation)
 */
public record VaeConfig(
    VaeArchitecture architecture,
    int latentDim,
    double beta,
    int epochs,
    int batchSize,
    double learningRate,
    long seed,
    int width,
    Restoration restoration,
    int posteriorDraws) {

  public VaeConfig {
    Objects.requireNonNull(architecture, "architecture");
    // A checkpoint written before restoration or posterior draws existed has none.
    restoration = restoration == null ? Restoration.NONE : restoration;
    posteriorDraws = posteriorDraws == 0 ? 1 : posteriorDraws;
    require(latentDim >= 1 && latentDim <= 1024, "latent-dim", latentDim, "1..1024");
    require(beta >= 0 && Double.isFinite(beta), "beta", beta, ">= 0");
    require(epochs >= 1, "epochs", epochs, ">= 1");
    require(
        batchSize >= 0 && batchSize <= 65536, "batch-size", batchSize, "1..65536, or 0 for auto");
    require(learningRate > 0 && learningRate < 1, "learning-rate", learningRate, "(0, 1)");
    require(width >= 4 && width <= 4096, "width", width, "4..4096");
    require(
        posteriorDraws >= 1 && posteriorDraws <= MAX_POSTERIOR_DRAWS,
        "posterior-draws",
        posteriorDraws,
        "1.." + MAX_POSTERIOR_DRAWS);
  }

  /** Most latent points an image is decoded at: each is one more pass of the decoder per image. */
  public static final int MAX_POSTERIOR_DRAWS = 64;

  /** {@link #batchSize} that lets the image size choose the batch. */
  public static final int AUTO_BATCH = 0;

  /** Pixels per batch at which training ran fastest on 2 cores (docs/evaluation, "Training throughput"). */
  static final int AUTO_BATCH_PIXELS = 1 << 19;

  /** Largest batch the image size chooses: the size that the 28 × 28 results were measured with. */
  static final int AUTO_BATCH_MAX = 128;

  /** A plain VAE, which reconstructs its input and is scored at z = μ. */
  public VaeConfig(
      VaeArchitecture architecture,
      int latentDim,
      double beta,
      int epochs,
      int batchSize,
      double learningRate,
      long seed,
      int width) {
    this(
        architecture,
        latentDim,
        beta,
        epochs,
        batchSize,
        learningRate,
        seed,
        width,
        Restoration.NONE,
        1);
  }

  /**
   * Defaults that train a useful 28×28 model on two cores: the MLP for 40 epochs with the KL term
   * at a quarter weight (on the development sets 40 epochs gave the VAE's own score +0.8 AUROC over
   * 20, and β = 0.25 the fused score +0.07 and +0.16 over β = 1; docs/evaluation), scored over z = μ
   * and three posterior draws (the VAE's own score +0.2 on both development sets), the
   * convolutional VAE, an order of magnitude slower per epoch, for 20 with β = 1, scored at z = μ
   * (draws untried on its data). The batch is chosen from the image size ({@link #batchSizeFor}).
   */
  public static VaeConfig defaults(VaeArchitecture architecture) {
    boolean mlp = architecture == VaeArchitecture.MLP;
    return new VaeConfig(
        architecture,
        16,
        mlp ? 0.25 : 1.0,
        mlp ? 40 : 20,
        AUTO_BATCH,
        1e-3,
        42L,
        mlp ? 512 : 32,
        Restoration.NONE,
        mlp ? 4 : 1);
  }

  /**
   * The batch for images of {@code contract}: {@link #batchSize} as given, or, for {@link
   * #AUTO_BATCH}, about 2<sup>19</sup> pixels a batch, at most 128. Training slows down once a batch
   * outgrows the caches: on two cores 128 × 128 colour images train at 29 images/s in batches of 32
   * and 10 in batches of 128; 256 × 256 ones at 7–8 in batches of 8 and 2 in batches of 32 (the
   * convolutional VAE on colour images; the rule counts pixels, not channels or layers). So 28 × 28
   * and 64 × 64 images get 128, 128 × 128 get 32, 256 × 256 get 8.
   */
  public int batchSizeFor(ImageContract contract) {
    if (batchSize != AUTO_BATCH) {
      return batchSize;
    }
    long pixels = (long) contract.width() * contract.height();
    return (int) Math.max(1, Math.min(AUTO_BATCH_MAX, AUTO_BATCH_PIXELS / pixels));
  }

  /** These settings with the batch fixed for images of {@code contract}. */
  public VaeConfig resolvedFor(ImageContract contract) {
    return copy(epochs, batchSizeFor(contract), seed, restoration, posteriorDraws);
  }

  public VaeConfig withEpochs(int newEpochs) {
    return copy(newEpochs, batchSize, seed, restoration, posteriorDraws);
  }

  public VaeConfig withSeed(long newSeed) {
    return copy(epochs, batchSize, newSeed, restoration, posteriorDraws);
  }

  public VaeConfig withRestoration(Restoration newRestoration) {
    return copy(epochs, batchSize, seed, newRestoration, posteriorDraws);
  }

  public VaeConfig withPosteriorDraws(int draws) {
    // checked here: the constructor reads 0 as a checkpoint from before the draws existed
    require(draws >= 1, "posterior-draws", draws, "1.." + MAX_POSTERIOR_DRAWS);
    return copy(epochs, batchSize, seed, restoration, draws);
  }

  /** These settings but for the ones that callers vary between runs. */
  private VaeConfig copy(
      int newEpochs, int newBatchSize, long newSeed, Restoration newRestoration, int draws) {
    return new VaeConfig(
        architecture,
        latentDim,
        beta,
        newEpochs,
        newBatchSize,
        learningRate,
        newSeed,
        width,
        newRestoration,
        draws);
  }

  private static void require(boolean ok, String key, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(key + "=" + value + " is invalid: expected " + expected);
    }
  }
}
