package io.vaestream.detector.scoring;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the ONNX Runtime objects (input tensors and results) the scorer creates and closes, so a
 * leak shows as a growing {@link #open()} count on {@code /metrics} instead of as native memory
 * that nobody can attribute.
 */
public final class NativeObjects {
  private final LongAdder created = new LongAdder();
  private final LongAdder closed = new LongAdder();

  /** Counts {@code value} as created; closing the returned handle closes it and counts it closed. */
  <T extends AutoCloseable> Tracked<T> track(T value) {
    created.increment();
    return new Tracked<>(value, this);
  }

  /** Objects created so far. */
  public long created() {
    return created.sum();
  }

  /** Objects created and not yet closed: at most two per scoring thread, between batches zero. */
  public long open() {
    return created.sum() - closed.sum();
  }

  /** A tracked ONNX Runtime object; {@link #value()} is the object itself. */
  record Tracked<T extends AutoCloseable>(T value, NativeObjects owner) implements AutoCloseable {
    @Override
    public void close() {
      try {
        value.close();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        // ONNX Runtime's tensors and results declare no checked exception on close; others might.
        throw new IllegalStateException(
            "closing " + value.getClass().getSimpleName() + " failed", e);
      } finally {
        owner.closed.increment();
      }
    }
  }
}
