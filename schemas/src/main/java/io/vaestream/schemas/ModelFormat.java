package io.vaestream.schemas;

import java.util.List;

/**
 * The model file that the trainer writes and the detector loads: an ONNX graph whose input and
 * output names, and whose metadata keys, are fixed here.
 *
 * <p>The graph takes {@value #INPUT}, a float tensor {@code [N, C, H, W]} made by the {@link
 * ImageContract}, with a dynamic batch dimension. It returns the deterministic reconstruction
 * (decoded at z = μ), the posterior parameters, and three values per image computed inside the
 * graph: {@value #RECONSTRUCTION_ERROR}, {@value #KL} and {@value #SCORE}.
 */
public final class ModelFormat {
  public static final String INPUT = "input";

  public static final String RECONSTRUCTION = "reconstruction";
  public static final String Z_MEAN = "z_mean";
  public static final String Z_LOG_VAR = "z_log_var";
  public static final String RECONSTRUCTION_ERROR = "reconstruction_error";
  public static final String KL = "kl";
  public static final String SCORE = "score";

  /**
   * Where the image differs from its reconstruction, {@code [N, 1, H, W]}: the squared, blurred
   * residual averaged over the channels, whose mean is the blurred reconstruction error. Models
   * written before it existed lack it.
   */
  public static final String ANOMALY_MAP = "anomaly_map";

  /** Every output, in graph order. */
  public static final List<String> OUTPUTS =
      List.of(RECONSTRUCTION, Z_MEAN, Z_LOG_VAR, RECONSTRUCTION_ERROR, KL, SCORE);

  /** The opset the exporter writes; the detector refuses models that need a newer one. */
  public static final int OPSET = 17;

  /** Metadata keys ({@code metadata_props}). Input-contract keys live in {@link ImageContract}. */
  public static final String NAME = "vaestream.model.name";

  public static final String VERSION = "vaestream.model.version";
  public static final String ARCHITECTURE = "vaestream.model.architecture";
  public static final String TRAINER_VERSION = "vaestream.trainer.version";
  public static final String CREATED = "vaestream.model.created";
  public static final String LATENT_DIM = "vaestream.model.latent_dim";
  public static final String TRAINING = "vaestream.training";

  /** The score's name as {@code train --score} gives it: fused, fused-shape, fused-sum, vae, …. */
  public static final String SCORE_NAME = "vaestream.score.name";

  public static final String SCORE_DEFINITION = "vaestream.score.definition";
  public static final String SCORE_RECONSTRUCTION = "vaestream.score.reconstruction";
  public static final String SCORE_RECONSTRUCTION_WEIGHT = "vaestream.score.reconstruction_weight";
  public static final String SCORE_KL_WEIGHT = "vaestream.score.kl_weight";
  /**
   * The latent points the reconstruction error and the map are averaged over: z = μ and that many
   * less one fixed draws from the encoder's posterior (1: at z = μ only).
   */
  public static final String SCORE_POSTERIOR_DRAWS = "vaestream.score.posterior_draws";
  /**
   * The memory bank a fused score compares with: images, k, feature sizes and whether the features
   * are scaled to unit length (JSON).
   */
  public static final String SCORE_MEMORY_BANK = "vaestream.score.memory_bank";
  /**
   * The transform classifier a fused score takes a part from: transforms, thumbnail, layer widths
   * (JSON); absent when the score has no such part.
   */
  public static final String SCORE_TRANSFORM_CLASSIFIER = "vaestream.score.transform_classifier";
  /** How the score and the threshold were chosen: one-class (normal images only) or semi-supervised. */
  public static final String SCORE_PROTOCOL = "vaestream.score.protocol";
  /** Why the held-out normals are too few for the target false-alarm rate; absent when they suffice. */
  public static final String THRESHOLD_WARNING = "vaestream.threshold.warning";

  public static final String SCORE_SELECTION = "vaestream.score.selection";

  public static final String THRESHOLD = "vaestream.threshold";
  /**
   * A value of {@link #ANOMALY_MAP} above which a pixel is anomalous: calibrated so that the map of a
   * held-out normal image rises above it anywhere at the target false-alarm rate.
   */
  public static final String PIXEL_THRESHOLD = "vaestream.pixel_threshold";
  /** What {@link #ANOMALY_MAP} computes, in words. */
  public static final String MAP_DEFINITION = "vaestream.map.definition";

  public static final String THRESHOLD_TARGET_FAR = "vaestream.threshold.target_false_alarm_rate";
  public static final String THRESHOLD_QUANTILES = "vaestream.threshold.calibration_quantiles";
  public static final String THRESHOLD_CALIBRATION_SIZE = "vaestream.threshold.calibration_size";
  /**
   * The central 95 % range of the false-alarm rate that thresholds calibrated on this many
   * held-out normals give, as a JSON array {@code [low, high]}: how far this model's rate may lie
   * from the target, before any test image is seen.
   */
  public static final String THRESHOLD_FAR_RANGE = "vaestream.threshold.false_alarm_rate_range";
  /**
   * Quantiles of the shipped score and of the input statistics on the held-out calibration normals
   * ({@link CalibrationProfile}, JSON): what a detector compares its traffic with to see drift.
   * Models written before it existed lack it, and are not monitored for drift.
   */
  public static final String CALIBRATION_PROFILE = "vaestream.calibration.profile";

  public static final String DATA_DESCRIPTION = "vaestream.data.description";
  public static final String DATA_SHA256 = "vaestream.data.sha256";
  public static final String DATA_NORMAL_CLASSES = "vaestream.data.normal_classes";

  public static final String GOLDEN = "vaestream.golden";
  public static final String PARITY = "vaestream.parity";
  /** How the weights are stored; absent for float32 models. */
  public static final String QUANTIZATION = "vaestream.quantization";

  private ModelFormat() {}

  /**
   * Whether a {@link #SCORE} is anomalous at {@code threshold}: above it, or not a number at all
   * (the model failed on that image), which must not pass as normal.
   */
  public static boolean isAnomaly(double score, double threshold) {
    return !(score <= threshold);
  }
}
