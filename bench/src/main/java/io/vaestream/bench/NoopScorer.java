package io.vaestream.bench;

import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.ImageDataset;
import java.util.HashSet;
import java.util.Set;

/**
 * A scorer that does no inference: the benchmark's ceiling runs the detector's graph with it. To
 * keep the graph's output the same, it flags exactly the images the real model flags: their
 * verdicts are taken once, before any measurement, and looked up by a hash of the pixels.
 */
final class NoopScorer implements Scorer {
  private final ImageContract contract;
  private final Set<Integer> flagged;
  private final double flaggedShare;

  private NoopScorer(ImageContract contract, Set<Integer> flagged, double flaggedShare) {
    this.contract = contract;
    this.flagged = flagged;
    this.flaggedShare = flaggedShare;
  }

  /** Flags nothing. */
  NoopScorer(ImageContract contract) {
    this(contract, Set.of(), 0);
  }

  /**
   * Flags the images of {@code images} whose {@code flagged} is set, as {@link #verdicts} gives
   * them for a model of contract {@code c}.
   */
  static NoopScorer replaying(ImageContract c, ImageDataset images, boolean[] flagged) {
    float[] x = new float[c.size()];
    Set<Integer> hashes = new HashSet<>();
    int flaggedImages = 0;
    for (int i = 0; i < images.size(); i++) {
      if (flagged[i]) {
        c.toTensor(images.raw(i), x, 0);
        hashes.add(hash(x, 0, c.size()));
        flaggedImages++;
      }
    }
    return new NoopScorer(c, Set.copyOf(hashes), (double) flaggedImages / images.size());
  }

  /** Whether {@code model} flags each of {@code images}, sent as 8-bit pixels ({@link ImageDataset#raw}). */
  static boolean[] verdicts(Scorer model, ImageDataset images) {
    ImageContract c = model.contract();
    int chunk = 256;
    float[] x = new float[chunk * c.size()];
    boolean[] flagged = new boolean[images.size()];
    for (int from = 0; from < images.size(); from += chunk) {
      int n = Math.min(chunk, images.size() - from);
      for (int i = 0; i < n; i++) {
        c.toTensor(images.raw(from + i), x, i * c.size());
      }
      float[] scores = model.score(x, n).score();
      for (int i = 0; i < n; i++) {
        flagged[from + i] = scores[i] > model.threshold();
      }
    }
    return flagged;
  }

  /** Share of the images it was built from ({@link #replaying}) that this scorer flags. */
  double flaggedShare() {
    return flaggedShare;
  }

  private static int hash(float[] x, int offset, int length) {
    int h = 1;
    for (int i = offset; i < offset + length; i++) {
      h = 31 * h + Float.floatToIntBits(x[i]);
    }
    return h;
  }

  @Override
  public ImageContract contract() {
    return contract;
  }

  @Override
  public ScoreBatch score(float[] tensors, int count) {
    float[] score = new float[count];
    if (!flagged.isEmpty()) {
      for (int i = 0; i < count; i++) {
        score[i] = flagged.contains(hash(tensors, i * contract.size(), contract.size())) ? 2 : 0;
      }
    }
    return new ScoreBatch(new float[count], new float[count], score);
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
