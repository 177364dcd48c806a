package io.vaestream.trainer.model;

import java.util.function.LongSupplier;
import org.bytedeco.javacpp.Pointer;

/**
 * Collects the Java heap when the process has grown by more than an allowance since it last did.
 * ND4J's arrays live off the heap until their Java objects are collected, and those objects are
 * too small to make the heap collect on its own: training on 320 × 240 colour images grew by over
 * 100 MB a step until the kernel killed it at 24 GB. A rule on growth, not a ceiling, so that a
 * process whose memory is in use (a large data set on the heap, a model's weights) is not
 * collected after every step.
 */
final class NativeMemory {
  /** Growth that asks for a collection: 1 GiB, about ten training steps at 320 × 240 in colour. */
  static final long GROWTH = 1L << 30;

  private final LongSupplier resident;
  private final Runnable collect;
  private final long growth;
  /** The least resident memory seen since the last collection. */
  private long low;

  /** Watching this process's resident memory. */
  NativeMemory() {
    this(Pointer::physicalBytes, System::gc, GROWTH);
  }

  NativeMemory(LongSupplier resident, Runnable collect, long growth) {
    this.resident = resident;
    this.collect = collect;
    this.growth = growth;
    this.low = resident.getAsLong();
  }

  /** Collects if the process has grown by more than the allowance; true when it did. */
  boolean check() {
    long now = resident.getAsLong();
    low = Math.min(low, now);
    if (now - low <= growth) {
      return false;
    }
    collect.run();
    low = resident.getAsLong();
    return true;
  }
}
