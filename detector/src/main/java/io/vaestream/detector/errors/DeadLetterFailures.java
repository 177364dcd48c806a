package io.vaestream.detector.errors;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.metrics.DetectorMetrics;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the detector remembers of dead letters that could not be written, so that a record whose
 * dead letter fails is not retried into a crash loop. Under exactly-once a failed write aborts the
 * transaction and the same input record comes back: the second time it gets a dead letter without
 * its value, the third time none (with an ERROR and a counter), or, under the {@code fail}
 * policy, the detector stops with a fatal error instead. The memory is bounded: it holds the most
 * recent {@value #CAPACITY} input records only.
 */
public final class DeadLetterFailures {
  static final int CAPACITY = 10_000;

  /** What to do with an input record whose dead letter cannot be written. */
  public enum Policy {
    /** Write a dead letter without the value; failing that, skip the record with an ERROR log. */
    SKIP,
    /** Stop the detector with a fatal error naming the record. */
    FAIL
  }

  /** How many times the dead letter of an input record has failed. */
  private final Map<String, Integer> attempts = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > CAPACITY;
    }
  };

  private final Policy policy;
  private final AtomicReference<String> fatal = new AtomicReference<>();

  public DeadLetterFailures(Policy policy) {
    this.policy = policy;
  }

  /** With the policy named as in {@code dlq.failure.policy} ({@code skip} or {@code fail}). */
  public DeadLetterFailures(String policy) {
    this(Policy.valueOf(policy.toUpperCase(Locale.ROOT)));
  }

  public Policy policy() {
    return policy;
  }

  /** Records that the dead letter of {@code topic-partition@offset} failed; returns the count. */
  public synchronized int failed(String topic, int partition, long offset) {
    return attempts.merge(key(topic, partition, offset), 1, Integer::sum);
  }

  /** How many times the dead letter of this input record has failed before (0 if never). */
  public synchronized int failures(String topic, int partition, long offset) {
    return attempts.getOrDefault(key(topic, partition, offset), 0);
  }

  /** Marks the detector as stopping because of {@code reason} (the {@code fail} policy). */
  void stop(String reason) {
    fatal.compareAndSet(null, reason);
  }

  /** Why the detector must stop, or null while it may go on. */
  public String fatalReason() {
    return fatal.get();
  }

  /** The detector's dead-letter objects, as Kafka Streams hands them to a handler's {@code configure}. */
  record Wiring(DeadLetters letters, DeadLetterFailures failures, DetectorMetrics metrics) {
    static Wiring from(Map<String, ?> configs) {
      Object m = configs.get(DetectorMetrics.CONFIG_KEY);
      return new Wiring(
          (DeadLetters) configs.get(DetectorConfig.DEAD_LETTERS_INSTANCE),
          (DeadLetterFailures) configs.get(DetectorConfig.DEAD_LETTER_FAILURES_INSTANCE),
          m instanceof DetectorMetrics dm ? dm : DetectorMetrics.noop());
    }
  }

  private static String key(String topic, int partition, long offset) {
    return topic + "-" + partition + "@" + offset;
  }
}
