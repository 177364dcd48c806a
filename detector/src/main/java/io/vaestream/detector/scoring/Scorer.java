package io.vaestream.detector.scoring;

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

  @Override
  void close();
}
