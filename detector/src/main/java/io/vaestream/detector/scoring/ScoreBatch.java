package io.vaestream.detector.scoring;

/**
 * Per-image outputs of one inference call, in input order.
 *
 * @param maps the anomaly maps, {@code count × height × width} values, or null when the model has
 *     none
 * @param model the scorer that made them, where the scorer in use can change between batches
 *     ({@link SwappableScorer}); null means the one that was asked
 */
public record ScoreBatch(
    float[] reconstructionError, float[] kl, float[] score, float[] maps, Scorer model) {

  public ScoreBatch(float[] reconstructionError, float[] kl, float[] score, float[] maps) {
    this(reconstructionError, kl, score, maps, null);
  }

  /** Scores without anomaly maps. */
  public ScoreBatch(float[] reconstructionError, float[] kl, float[] score) {
    this(reconstructionError, kl, score, null, null);
  }

  /** The same outputs, marked as made by {@code scorer}. */
  public ScoreBatch madeBy(Scorer scorer) {
    return new ScoreBatch(reconstructionError, kl, score, maps, scorer);
  }

  public int size() {
    return score.length;
  }
}
