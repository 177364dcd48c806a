package io.vaestream.detector.scoring;

/** Per-image outputs of one inference call, in input order. */
public record ScoreBatch(float[] reconstructionError, float[] kl, float[] score) {
  public int size() {
    return score.length;
  }
}
