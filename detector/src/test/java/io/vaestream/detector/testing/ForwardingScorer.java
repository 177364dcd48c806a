package io.vaestream.detector.testing;

import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.schemas.ImageContract;

/**
 * A scorer for tests that passes scoring and the model's identity (contract, threshold, name,
 * version) on to a real one; a test overrides what it means to change, such as {@link #score}.
 * The rest keeps the interface's defaults, and {@link #close} leaves the real scorer to its owner.
 */
public abstract class ForwardingScorer implements Scorer {
  private final Scorer real;

  protected ForwardingScorer(Scorer real) {
    this.real = real;
  }

  @Override
  public ScoreBatch score(float[] tensors, int count) {
    return real.score(tensors, count);
  }

  @Override
  public ImageContract contract() {
    return real.contract();
  }

  @Override
  public double threshold() {
    return real.threshold();
  }

  @Override
  public String modelName() {
    return real.modelName();
  }

  @Override
  public String modelVersion() {
    return real.modelVersion();
  }

  @Override
  public void close() {}
}
