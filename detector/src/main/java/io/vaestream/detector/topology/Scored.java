package io.vaestream.detector.topology;

import io.vaestream.events.AnomalyScore;

/**
 * One image's verdict as the scoring processor hands it on: the score for {@code scores}, and for
 * a flagged image the same score with its localization for {@code anomalies} (null otherwise), so
 * that neither branch copies or strips the other's record.
 */
record Scored(AnomalyScore score, AnomalyScore flagged) {}
