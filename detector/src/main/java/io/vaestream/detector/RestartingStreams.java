package io.vaestream.detector;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.vaestream.detector.metrics.StreamHealth;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka Streams client at a time; when a stream thread fails, the whole client is shut down
 * and a new one is started in its place, after a back-off that grows with the failures of the
 * health window.
 *
 * <p>Why not Kafka Streams' own {@code REPLACE_THREAD}: with Kafka Streams 4.3.1 and 4.4.0,
 * {@code KafkaStreams.close()} does not stop a thread that replaced a failed one; it keeps polling
 * after the close has timed out (docs/reliability.md). In a process that exits that costs a 30 s
 * stop; in a JVM that goes on (an embedding application, the tests) the stray thread holds the
 * partitions, the group membership and, with the RocksDB batch store, the state directory. A new
 * client leaves nothing behind, and it costs no more: a replaced thread rejoins the group just as
 * a new client does. Nothing is lost: pending images stay in the changelogged batch store, and
 * under exactly-once the failed thread's open transaction is aborted, so its records are read
 * again.
 */
final class RestartingStreams implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RestartingStreams.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final Supplier<KafkaStreams> clients;
  private final Supplier<String> fatalReason;
  private final StreamHealth health;
  private final MeterRegistry registry;
  private final String applicationId;
  private final ScheduledExecutorService restarter =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vaestream-streams-restart");
        t.setDaemon(true);
        return t;
      });
  private volatile KafkaStreams current;
  private KafkaStreamsMetrics currentMetrics;
  private final AtomicBoolean restartPending = new AtomicBoolean();
  private volatile boolean closing;
  /** True while a failed client is being replaced by a new one. */
  private volatile boolean replacing;
  /** Completed, with the reason, when Kafka Streams stopped and no restart follows. */
  private final CompletableFuture<String> stoppedForGood = new CompletableFuture<>();

  /**
   * @param clients makes a new, unstarted client each time it is called
   * @param fatalReason why the detector must stop instead of restarting, or null
   * @param health makes the health of these clients from their state and whether a restart is under way
   */
  RestartingStreams(
      Supplier<KafkaStreams> clients,
      Supplier<String> fatalReason,
      MeterRegistry registry,
      String applicationId,
      BiFunction<Supplier<KafkaStreams.State>, BooleanSupplier, StreamHealth> health) {
    this.clients = clients;
    this.fatalReason = fatalReason;
    this.registry = registry;
    this.applicationId = applicationId;
    this.health = health.apply(this::state, this::restarting);
  }

  StreamHealth health() {
    return health;
  }

  synchronized void start() {
    KafkaStreams client = clients.get();
    client.setUncaughtExceptionHandler(this::onFailure);
    client.setStateListener((now, before) -> {
      if (now != KafkaStreams.State.ERROR) {
        return;
      }
      if (restartPending.get()) {
        scheduleRestart();
      } else if (!closing) {
        String fatal = fatalReason.get();
        stoppedForGood.complete(fatal != null ? fatal : "Kafka Streams stopped");
      }
    });
    currentMetrics = new KafkaStreamsMetrics(client);
    currentMetrics.bindTo(registry);
    current = client;
    client.start();
  }

  /**
   * Completes, with the reason, when streaming stopped for good without a close (a dead letter
   * that could not be written under {@code dlq.failure.policy=fail}): the process should end, so
   * that whatever supervises it sees the failure.
   */
  CompletableFuture<String> stoppedForGood() {
    return stoppedForGood;
  }

  /** The client running now; a different one after a restart. */
  KafkaStreams current() {
    return current;
  }

  KafkaStreams.State state() {
    KafkaStreams client = current;
    return client == null || replacing ? KafkaStreams.State.CREATED : client.state();
  }

  /** True from a stream thread's failure until the new client has started. */
  boolean restarting() {
    return restartPending.get();
  }

  private StreamThreadExceptionResponse onFailure(Throwable e) {
    if (closing) {
      // Not synchronized: close() holds the lock while it waits for this very thread.
      LOG.warn("stream thread failed while the detector stops", e);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    String fatal = fatalReason.get();
    if (fatal != null) {
      LOG.error("stopping: {}", fatal, e);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    if (!restartPending.compareAndSet(false, true)) {
      // Another stream thread of the same client failed first: one restart, counted once.
      LOG.error("stream thread failed too; Kafka Streams is already being restarted", e);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    health.threadFailed(e);
    LOG.error(
        "stream thread failed; restarting Kafka Streams in {} ms ({} failures in the last {} s)",
        backoff().toMillis(),
        health.recentFailures(),
        health.window().toSeconds(),
        e);
    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }

  /** 0.5 s after the first failure of the window, doubling with each further one, at most 30 s. */
  private Duration backoff() {
    int failures = Math.max(1, health.recentFailures());
    return Duration.ofMillis(Math.min(MAX_BACKOFF.toMillis(), 500L << Math.min(failures - 1, 16)));
  }

  /** Called on the failed client's shutdown thread: the restart itself runs on a thread of its own. */
  private void scheduleRestart() {
    try {
      restarter.schedule(this::restart, backoff().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("not restarting Kafka Streams: the detector is stopping");
    }
  }

  private synchronized void restart() {
    if (closing) {
      return;
    }
    closeCurrent();
    replacing = true; // CREATED while the next one is built: the failed one's ERROR is over
    try {
      restartPending.set(false);
      start();
      LOG.info("Kafka Streams restarted after a stream thread failed");
    } catch (RuntimeException e) {
      // Counted like a failure: the back-off grows and /ready reports the loop.
      restartPending.set(true);
      health.threadFailed(e);
      LOG.error(
          "restarting Kafka Streams failed; trying again in {} ms", backoff().toMillis(), e);
      scheduleRestart();
    } finally {
      replacing = false;
    }
  }

  /**
   * Closes the client running now, committing what was processed. It leaves the group, static
   * member or not, so that its partitions are handed over at once rather than after the session
   * timeout.
   */
  private void closeCurrent() {
    KafkaStreams client = current;
    if (client == null) {
      return; // never started
    }
    try {
      if (!client.close(
          CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
              .withTimeout(CLOSE_TIMEOUT))) {
        LOG.warn(
            "Kafka Streams did not stop within {} s; its threads are left to finish on their own: {}",
            CLOSE_TIMEOUT.toSeconds(),
            streamThreadsStillRunning());
      }
    } catch (RuntimeException e) {
      LOG.warn("closing Kafka Streams failed", e);
    }
    currentMetrics.close();
  }

  /** Stops streaming (see {@link #closeCurrent}); no restart follows. */
  @Override
  public void close() {
    closing = true;
    restartPending.set(false);
    restarter
        .shutdown(); // a restart under way finishes first; one still waiting sees closing and does
    // nothing
    synchronized (this) {
      closeCurrent();
    }
  }

  /** This detector's stream threads still alive, each with where it is, for the log of a close that timed out. */
  private String streamThreadsStillRunning() {
    StringBuilder out = new StringBuilder();
    Thread.getAllStackTraces().forEach((t, stack) -> {
      if (t.getName().startsWith(applicationId + "-") && t.getName().contains("StreamThread")) {
        out.append("\n  ").append(t.getName()).append(" (").append(t.getState()).append(')');
        for (int i = 0; i < Math.min(12, stack.length); i++) {
          out.append("\n    at ").append(stack[i]);
        }
      }
    });
    return out.length() == 0 ? "none" : out.toString();
  }
}
