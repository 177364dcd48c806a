package io.vaestream.detector.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What {@code /health} and {@code /ready} answer, from the Kafka Streams state and from how often
 * stream threads have failed. A stream thread that fails is replaced, so a record that fails it
 * every time makes a crash loop in which the state stays RUNNING or REBALANCING while nothing is
 * scored. The detector is not ready (an orchestrator routes around it or restarts it), with the
 * reason in the body, while a replaced thread has not scored anything since it failed (for at
 * most {@code window}), and while more than {@code maxReplacements} replacements fall within
 * {@code window}. A replacement takes a consumer session timeout before the new thread gets the
 * partitions, so the first rule is what reports a crash loop within seconds.
 */
public final class StreamHealth {
  private final Supplier<KafkaStreams.State> state;
  private final LongSupplier progress;
  private final int maxReplacements;
  private final Duration window;
  private final Clock clock;
  private final Deque<Long> replacements = new ArrayDeque<>();
  private String lastFailure = "";
  private long progressAtFailure;

  /**
   * @param progress a count that grows whenever records are scored or dead-lettered
   */
  public StreamHealth(Supplier<KafkaStreams.State> state, LongSupplier progress, int maxReplacements, Duration window,
      Clock clock) {
    this.state = state;
    this.progress = progress;
    this.maxReplacements = maxReplacements;
    this.window = window;
    this.clock = clock;
  }

  /** Notes that a stream thread failed with {@code cause} and is being replaced. */
  public synchronized void threadReplaced(Throwable cause) {
    replacements.addLast(clock.millis());
    progressAtFailure = progress.getAsLong();
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    lastFailure = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    prune();
  }

  /** Replacements within the window. */
  public synchronized int recentReplacements() {
    prune();
    return replacements.size();
  }

  /** Why the process is not healthy (should be restarted), or null when it is. */
  public String unhealthy() {
    KafkaStreams.State s = state.get();
    return switch (s) {
      case ERROR, PENDING_ERROR, NOT_RUNNING, PENDING_SHUTDOWN -> "Kafka Streams is " + s;
      default -> null;
    };
  }

  /** Why the detector is not ready to score, or null when it is. */
  public synchronized String notReady() {
    String down = unhealthy();
    if (down != null) {
      return down;
    }
    int recent = recentReplacements();
    if (recent > maxReplacements) {
      return String.format("crash loop: %d stream threads replaced in the last %d s (more than %d); last failure: %s",
          recent, window.toSeconds(), maxReplacements, lastFailure);
    }
    if (recent > 0 && progress.getAsLong() == progressAtFailure) {
      return String.format("a stream thread failed %d s ago and nothing has been scored since (%d replaced in the "
          + "last %d s); last failure: %s", (clock.millis() - replacements.peekLast()) / 1000, recent,
          window.toSeconds(), lastFailure);
    }
    KafkaStreams.State s = state.get();
    return s == KafkaStreams.State.RUNNING ? null : "Kafka Streams is " + s;
  }

  private void prune() {
    long oldest = clock.millis() - window.toMillis();
    while (!replacements.isEmpty() && replacements.peekFirst() < oldest) {
      replacements.removeFirst();
    }
  }
}
