package io.vaestream.detector.scoring;

import io.vaestream.detector.localize.Localizer;
import io.vaestream.schemas.CalibrationProfile;
import io.vaestream.schemas.ImageContract;

/** Scores batches of image tensors. Implementations are thread-safe. */
public interface Scorer extends AutoCloseable {

  /** The input every tensor must follow. */
  ImageContract contract();

  /** Scores {@code count} images laid out one after another in {@code tensors}. */
  ScoreBatch score(float[] tensors, int count);

  /** The anomaly threshold in force (the model's, unless configuration overrides it). */
  double threshold();

  String modelName();

  String modelVersion();

  /** Where the model runs, for logs and the model-info metric. */
  default String device() {
    return getClass().getSimpleName();
  }

  /** Hex SHA-256 of the model file, or empty where there is no file. */
  default String sha256() {
    return "";
  }

  /** The false-alarm rate the model's threshold was calibrated for, or NaN if it does not say. */
  default double targetFalseAlarmRate() {
    return Double.NaN;
  }

  /**
   * What the model's held-out calibration normals looked like, for drift monitoring; null when
   * the model carries no profile (models written before it existed), which turns drift monitoring
   * off for that model.
   */
  default CalibrationProfile calibrationProfile() {
    return null;
  }

  /**
   * What turns this scorer's anomaly maps ({@link ScoreBatch#maps()}) into boxes for flagged
   * events, or null when it gives no maps.
   */
  default Localizer localizer() {
    return null;
  }

  /** The native objects (tensors, results) this scorer has created and closed, or null when it makes none. */
  default NativeObjects nativeObjects() {
    return null;
  }

  /** Stops computing anomaly maps, so that {@link #localizer()} is null from now on. */
  default void disableLocalization() {}

  @Override
  void close();
}
