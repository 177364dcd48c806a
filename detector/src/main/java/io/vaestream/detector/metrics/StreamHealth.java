package io.vaestream.detector.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What {@code /health} and {@code /ready} answer, from the Kafka Streams state and from how often
 * stream threads have failed. A failed stream thread makes the detector restart its Kafka Streams
 * client, so a record that fails it every time makes a crash loop in which the client goes from
 * ERROR to a new one, REBALANCING and RUNNING, again and again, while nothing is scored. The
 * process stays healthy while a restart is under way. It is not ready (an orchestrator routes
 * around it or restarts it), with the reason in the body, while nothing has been scored since the
 * last failure (until the new client has run {@link #SETTLED} without failing, which an idle topic
 * would otherwise never prove), and while more than {@code maxRestarts} failures fall
 * within {@code window}. The first rule reports a crash loop within seconds; the second one a loop
 * in which a few records are scored between failures.
 */
public final class StreamHealth {
  /**
   * How long a restarted client must be seen RUNNING, without another failure, before the rule
   * "nothing scored since the failure" no longer holds it back: a crash loop fails again within
   * seconds, an idle topic has nothing to score.
   */
  static final Duration SETTLED = Duration.ofSeconds(30);

  private final Supplier<KafkaStreams.State> state;
  private final BooleanSupplier restarting;
  private final LongSupplier progress;
  private final int maxRestarts;
  private final Duration window;
  private final Clock clock;
  private final Deque<Long> failures = new ArrayDeque<>();
  private String lastFailure = "";
  private long progressAtFailure;
  /** When the client was first seen RUNNING since the last failure or other state; -1: not. */
  private long runningSince = -1;

  /**
   * @param state the state of the Kafka Streams client running now
   * @param restarting true while a failed client is being replaced by a new one
   * @param progress a count that grows whenever records are scored or dead-lettered
   */
  public StreamHealth(
      Supplier<KafkaStreams.State> state,
      BooleanSupplier restarting,
      LongSupplier progress,
      int maxRestarts,
      Duration window,
      Clock clock) {
    this.state = state;
    this.restarting = restarting;
    this.progress = progress;
    this.maxRestarts = maxRestarts;
    this.window = window;
    this.clock = clock;
  }

  /** Notes that a stream thread failed with {@code cause}; Kafka Streams is being restarted. */
  public synchronized void threadFailed(Throwable cause) {
    failures.addLast(clock.millis());
    progressAtFailure = progress.getAsLong();
    runningSince = -1;
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    lastFailure = root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
    prune();
  }

  /** Failures within the window. */
  public synchronized int recentFailures() {
    prune();
    return failures.size();
  }

  public Duration window() {
    return window;
  }

  /** Why the process is not healthy (should be restarted), or null when it is. */
  public String unhealthy() {
    if (restarting.getAsBoolean()) {
      return null;
    }
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
    boolean running = !restarting.getAsBoolean() && state.get() == KafkaStreams.State.RUNNING;
    if (!running) {
      runningSince = -1;
    } else if (runningSince < 0) {
      runningSince = clock.millis();
    }
    boolean settled = running && clock.millis() - runningSince >= SETTLED.toMillis();
    int recent = recentFailures();
    if (recent > maxRestarts) {
      return String.format(
          "crash loop: %d stream-thread failures (Kafka Streams restarts) in the last %d s (more "
              + "than %d); last failure: %s",
          recent, window.toSeconds(), maxRestarts, lastFailure);
    }
    if (recent > 0 && progress.getAsLong() == progressAtFailure && !settled) {
      return String.format(
          "a stream thread failed %d s ago and nothing has been scored since (%d failures in the "
              + "last %d s); last failure: %s",
          (clock.millis() - failures.peekLast()) / 1000, recent, window.toSeconds(), lastFailure);
    }
    if (restarting.getAsBoolean()) {
      return "Kafka Streams is restarting after a stream thread failed";
    }
    KafkaStreams.State s = state.get();
    return s == KafkaStreams.State.RUNNING ? null : "Kafka Streams is " + s;
  }

  private void prune() {
    long oldest = clock.millis() - window.toMillis();
    while (!failures.isEmpty() && failures.peekFirst() < oldest) {
      failures.removeFirst();
    }
  }
}
