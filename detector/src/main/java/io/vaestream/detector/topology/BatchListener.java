package io.vaestream.detector.topology;

import java.util.List;

/**
 * Told of every batch the detector has scored, right after its scores were forwarded: shadow
 * scoring and drift monitoring hang here. It runs on a stream thread, so it must hand any heavy
 * work to a thread of its own and return at once; an exception it throws is logged and dropped,
 * never allowed to stop scoring.
 *
 * <p>It sees what was forwarded, not what was committed: after a crash the batches scored since
 * the last commit are scored again, and seen again.
 */
@FunctionalInterface
public interface BatchListener {
  /** Listens to nothing. */
  BatchListener NONE = batch -> {};

  void scored(ScoredBatch batch);

  /** One listener that tells each of {@code listeners} in turn. */
  static BatchListener all(List<BatchListener> listeners) {
    List<BatchListener> copy = List.copyOf(listeners);
    return copy.isEmpty()
        ? NONE
        : copy.size() == 1 ? copy.get(0) : batch -> copy.forEach(l -> l.scored(batch));
  }
}
