package io.vaestream.detector.testing;

import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.schemas.ImageContract;

/**
 * A model of {@code contract} that is never asked to score: for tests of what the detector does
 * with a model's description (its size, its maps, its native objects). Override what a test needs.
 */
public class StubScorer implements Scorer {
  private final ImageContract contract;

  public StubScorer(ImageContract contract) {
    this.contract = contract;
  }

  @Override
  public ImageContract contract() {
    return contract;
  }

  @Override
  public ScoreBatch score(float[] tensors, int count) {
    throw new UnsupportedOperationException("a stub model does not score");
  }

  @Override
  public double threshold() {
    return 1;
  }

  @Override
  public String modelName() {
    return "stub";
  }

  @Override
  public String modelVersion() {
    return "1";
  }

  @Override
  public void close() {}
}
