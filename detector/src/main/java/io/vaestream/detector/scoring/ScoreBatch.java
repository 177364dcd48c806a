package io.vaestream.detector.scoring;

/**
 * Per-image outputs of one inference call, in input order.
 *
 * @param maps the anomaly maps, {@code count × height × width} values, or null when the model has
 *     none
 */
public record ScoreBatch(float[] reconstructionError, float[] kl, float[] score, float[] maps) {

  /** Scores without anomaly maps. */
  public ScoreBatch(float[] reconstructionError, float[] kl, float[] score) {
    this(reconstructionError, kl, score, null);
  }

  public int size() {
    return score.length;
  }
}
