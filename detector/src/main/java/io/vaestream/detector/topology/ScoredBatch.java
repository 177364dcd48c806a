package io.vaestream.detector.topology;

import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ModelFormat;
import java.util.Collections;
import java.util.List;

/**
 * A batch whose scores the detector has just forwarded, as {@link BatchListener}s see it. The
 * arrays and lists are the listener's to keep: the detector never reuses them.
 *
 * @param contract the layout of {@code tensors}
 * @param tensors the input tensors that were scored, {@code size() × contract.size()} values
 * @param keys the input records' keys (an element may be null), in batch order
 * @param scores the live scores as they went to the scores topic (no map or boxes), in batch order
 * @param inferenceNanos how long the live model took to score the batch
 * @param model the model that scored it, which may have been replaced since
 */
public record ScoredBatch(
    ImageContract contract,
    float[] tensors,
    List<byte[]> keys,
    List<AnomalyScore> scores,
    long inferenceNanos,
    Scorer model) {

  public ScoredBatch {
    // Views, not copies: the detector hands over lists it never touches again, and keys may be
    // null.
    keys = Collections.unmodifiableList(keys);
    scores = Collections.unmodifiableList(scores);
  }

  public int size() {
    return scores.size();
  }

  /** The key of image {@code i}, or null when its record had none. */
  public byte[] key(int i) {
    return keys.get(i);
  }

  /**
   * Writes {@code model}'s verdict on image {@code i} of {@code outputs} into {@code score}: the
   * model's name and version, its outputs, {@code threshold}, and the flag (a score above the
   * threshold). The detector writes its live scores so; a listener that scores the batch again
   * writes its own the same way.
   */
  public static AnomalyScore.Builder verdict(
      AnomalyScore.Builder score, Scorer model, double threshold, ScoreBatch outputs, int i) {
    double s = outputs.score()[i];
    return score
        .setModelName(model.modelName())
        .setModelVersion(model.modelVersion())
        .setReconstructionError(outputs.reconstructionError()[i])
        .setKl(outputs.kl()[i])
        .setScore(s)
        .setThreshold(threshold)
        .setIsAnomaly(ModelFormat.isAnomaly(s, threshold));
  }
}
