package io.vaestream.detector.topology;

import io.vaestream.events.AnomalyScore;

/**
 * What the scoring processor hands on for one image: its verdict, the score for {@code scores} and,
 * for a flagged image, the same score with its localization for {@code anomalies} (null
 * otherwise), so that neither branch copies or strips the other's record; or, for an image it
 * cannot score, the serialized dead letter for the dead-letter topic (and no score).
 */
record Scored(AnomalyScore score, AnomalyScore flagged, byte[] deadLetter) {
  Scored(AnomalyScore score, AnomalyScore flagged) {
    this(score, flagged, null);
  }

  /** No score: {@code letter} goes to the dead-letter topic. */
  static Scored deadLetter(byte[] letter) {
    return new Scored(null, null, letter);
  }
}
