package io.vaestream.tools;

import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.schemas.ImageContract;

/** A scorer that does no inference: the benchmark's ceiling runs the detector's graph with it. */
final class NoopScorer implements Scorer {
  private final ImageContract contract;

  NoopScorer(ImageContract contract) {
    this.contract = contract;
  }

  @Override
  public ImageContract contract() {
    return contract;
  }

  @Override
  public ScoreBatch score(float[] tensors, int count) {
    return new ScoreBatch(new float[count], new float[count], new float[count]);
  }

  @Override
  public double threshold() {
    return 1;
  }

  @Override
  public String modelName() {
    return "noop";
  }

  @Override
  public String modelVersion() {
    return "0";
  }

  @Override
  public void close() {}
}
