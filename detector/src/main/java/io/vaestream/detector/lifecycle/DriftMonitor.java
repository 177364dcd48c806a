package io.vaestream.detector.lifecycle;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.detector.topology.BatchListener;
import io.vaestream.detector.topology.ScoredBatch;
import io.vaestream.schemas.CalibrationProfile;
import io.vaestream.schemas.ImageStatistics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells when the images the detector scores stop looking like the held-out normals its model was
 * calibrated on, so that a threshold set on those normals no longer means what it says: a new
 * camera, new lighting, a new product, or a wave of defects.
 *
 * <p>It keeps rolling windows of the last {@code drift.window.events} scored events, one over all
 * sources ({@value #ALL_SOURCES}) and one per source for the first {@link DetectorMetrics#MAX_SOURCES}
 * sources (later sources count in the overall window only, which keeps the windows' memory and the
 * metrics' label sets bounded). Per event it records the score and the image's {@link
 * ImageStatistics} (mean intensity and contrast), and whether it was flagged. Once a window holds
 * {@code drift.min.events}, each batch compares each signal with the model's {@link
 * CalibrationProfile}: PSI over the calibration's deciles and the Kolmogorov–Smirnov distance
 * ({@link DriftStatistics}). A signal drifts when PSI exceeds {@code drift.psi.threshold} or the
 * distance exceeds the two-sample critical value at {@code drift.ks.alpha}; the anomaly rate drifts
 * when it exceeds {@code drift.anomaly.rate.factor} times the model's target false-alarm rate.
 *
 * <p>Hysteresis keeps the events few: a drifting signal recovers only when PSI is below half the
 * threshold and the distance below its critical value (the anomaly rate: back at or under its
 * limit), and a (source, signal) changes state at most once per {@code drift.min.events} events
 * it sees. Each change is one {@link DriftEvent} on the drift topic and a change of {@code
 * vaestream_drifting}.
 *
 * <p>A new model (a swap by {@link ModelWatcher}) has its own calibration: the windows are emptied
 * and open drift states closed with a {@value #RECOVERED} event without statistics. A model with
 * no profile (written before profiles existed) is not monitored; one INFO line says so.
 *
 * <p>The stream threads only leave each batch for the monitor's own thread ({@link #scored}), which
 * takes what has gathered every {@value #GATHER_MS} ms and does the work ({@link DriftTracker}):
 * it adds the batches to their windows, then sorts and judges each window they touched once, O(w
 * log w) for a window of w (judged after every batch, the sorts took most of that thread). When
 * that thread falls behind by {@value #QUEUE_VALUES} pixel values, further batches are left out of the windows
 * (logged), never waited for. Drift events are alerts written by a plain
 * idempotent producer, outside the exactly-once transaction of the scores: a crash can repeat one
 * or lose one, and batches scored again after a crash are counted again.
 */
public final class DriftMonitor implements BatchListener, AutoCloseable {
  /** The source of the window over all sources. */
  public static final String ALL_SOURCES = "*";
  /** The signal that is the share of flagged events. */
  public static final String ANOMALY_RATE = "anomaly_rate";

  public static final String DRIFT = "drift";
  public static final String RECOVERED = "recovered";
  /** Every signal, the distributions of {@link CalibrationProfile#SIGNALS} first. */
  public static final List<String> SIGNALS = signals();
  /**
   * Pixel values (64 MB of input tensors) that may wait for the monitor's thread before further
   * batches are left out: 20,000 images of 28 × 28, or 340 colour ones of 128 × 128.
   */
  static final long QUEUE_VALUES = 16L << 20;
  /**
   * How long the monitor's thread lets batches gather before it takes them. Drift is judged over
   * windows of thousands of events, so a tenth of a second costs nothing, and the stream thread
   * then wakes the monitor about ten times a second instead of once a batch (about 40 µs each,
   * which batches of one image feel).
   */
  static final long GATHER_MS = 100;

  private static final Logger LOG = LoggerFactory.getLogger(DriftMonitor.class);

  /** The limits of drift monitoring ({@code drift.*} keys of {@link DetectorConfig}). */
  public record Settings(
      int windowEvents,
      int minEvents,
      double psiThreshold,
      double ksAlpha,
      double anomalyRateFactor) {
    public Settings {
      if (minEvents < 1 || minEvents > windowEvents) {
        throw new IllegalArgumentException(
            DetectorConfig.DRIFT_MIN_EVENTS + "=" + minEvents + " must be within 1.."
                + DetectorConfig.DRIFT_WINDOW_EVENTS + " (" + windowEvents + ")");
      }
      if (!(psiThreshold > 0) || !(ksAlpha > 0 && ksAlpha < 1) || !(anomalyRateFactor > 0)) {
        throw new IllegalArgumentException(
            "drift limits must be positive (and the KS alpha below 1), got PSI " + psiThreshold
                + ", alpha " + ksAlpha + ", anomaly-rate factor " + anomalyRateFactor);
      }
    }

    public static Settings of(DetectorConfig config) {
      return new Settings(
          config.getInt(DetectorConfig.DRIFT_WINDOW_EVENTS),
          config.getInt(DetectorConfig.DRIFT_MIN_EVENTS),
          config.getDouble(DetectorConfig.DRIFT_PSI_THRESHOLD),
          config.getDouble(DetectorConfig.DRIFT_KS_ALPHA),
          config.getDouble(DetectorConfig.DRIFT_ANOMALY_RATE_FACTOR));
    }
  }

  private final Supplier<Scorer> models;
  private final Executor worker;
  private final AutoCloseable resources;
  private final AtomicLong dropped = new AtomicLong();
  /** Batches handed over and not yet taken by the worker. */
  private final Queue<ScoredBatch> pending = new ConcurrentLinkedQueue<>();
  /** The pixel values of {@link #pending}, bounded by {@link #QUEUE_VALUES}. */
  private final AtomicLong pendingValues = new AtomicLong();
  /** Whether a drain of {@link #pending} has been handed to the worker and not yet begun. */
  private final AtomicBoolean draining = new AtomicBoolean();
  /** Touched by the worker only (and by the constructor, before the first batch is handed over). */
  private final DriftTracker tracker;
  /**
   * The model the tracker has taken when it carries no calibration profile, else null: its batches
   * have nothing to be compared with, so they are not handed to the worker at all (a hand-off a
   * batch costs a thread wake-up, which batches of one image feel: issue #17's per-record
   * baseline). A swap to another model hands batches over again, and the tracker takes that one.
   */
  private volatile Scorer unprofiled;

  /**
   * @param models the model scoring new batches now ({@code SwappableScorer::current})
   * @param events where drift events go
   * @param worker runs the monitor's work, one task at a time; the detector's runs each after
   *     {@link #GATHER_MS}, so that the batches of that time are taken in one go
   * @param resources closed by {@link #close()}, after the worker (null: nothing)
   */
  DriftMonitor(
      Settings settings,
      Supplier<Scorer> models,
      DetectorMetrics metrics,
      String instance,
      Consumer<DriftEvent> events,
      Executor worker,
      Clock clock,
      AutoCloseable resources) {
    this.models = models;
    this.worker = worker;
    this.resources = resources;
    metrics.bindDriftEvents(SIGNALS);
    Scorer first = models.get();
    this.tracker = new DriftTracker(settings, metrics, instance, events, clock, first);
    this.unprofiled = first.calibrationProfile() == null ? first : null;
  }

  /**
   * A monitor on a thread of its own, writing to {@code drift.topic} with a producer made from
   * {@code clientSettings} (bootstrap servers, security) when it has a first event to write.
   */
  public static DriftMonitor start(
      DetectorConfig config,
      Map<String, Object> clientSettings,
      Supplier<Scorer> models,
      DetectorMetrics metrics,
      String instance) {
    DriftTopic topic = new DriftTopic(config.driftTopic(), clientSettings, instance);
    ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vaestream-drift");
      t.setDaemon(true);
      return t;
    });
    return new DriftMonitor(
        Settings.of(config),
        models,
        metrics,
        instance,
        topic::send,
        task -> worker.schedule(task, GATHER_MS, TimeUnit.MILLISECONDS),
        Clock.systemUTC(),
        () -> {
          // the drain already handed over still runs: a scheduled executor keeps delayed tasks
          worker.shutdown();
          if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("the drift monitor did not finish its batches within 10 s");
          }
          topic.close();
        });
  }

  /** Counts a batch the worker had no room for (or that came while closing). */
  private void leftOut(boolean closing) {
    long n = dropped.incrementAndGet();
    if (!closing && (n == 1 || n % 1000 == 0)) {
      LOG.warn("the drift monitor falls behind: {} batches left out of its windows so far", n);
    }
  }

  /**
   * Leaves the batch for the monitor's thread and returns at once; the thread is called only when
   * no earlier call has already asked it to take what is waiting.
   */
  @Override
  public void scored(ScoredBatch batch) {
    if (models.get() == unprofiled) {
      return;
    }
    int values = batch.tensors().length;
    if (pendingValues.addAndGet(values) > QUEUE_VALUES) {
      pendingValues.addAndGet(-values);
      leftOut(false);
      return;
    }
    pending.add(batch);
    if (draining.compareAndSet(false, true)) {
      try {
        worker.execute(this::drain);
      } catch (RejectedExecutionException closing) {
        draining.set(false);
        leftOut(true);
      }
    }
  }

  /**
   * On the worker: takes every batch waiting, in the order they were scored, then judges the
   * windows they went to once.
   */
  private void drain() {
    draining.set(false);
    for (ScoredBatch batch; (batch = pending.poll()) != null; ) {
      pendingValues.addAndGet(-batch.tensors().length);
      try {
        Scorer now = models.get();
        tracker.add(now, batch);
        unprofiled = now.calibrationProfile() == null ? now : null;
      } catch (RuntimeException e) {
        LOG.warn("the drift monitor failed on a batch of {}: {}", batch.size(), e.toString(), e);
      }
    }
    try {
      tracker.judge();
    } catch (RuntimeException e) {
      LOG.warn("the drift monitor failed to judge its windows: {}", e.toString(), e);
    }
  }

  /** Batches left out of the windows because the monitor's thread was behind. */
  long dropped() {
    return dropped.get();
  }

  /** Finishes the batches handed over (for at most 10 s), then closes the producer. */
  @Override
  public void close() {
    if (resources == null) {
      return;
    }
    try {
      resources.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("closing the drift monitor failed", e);
    }
  }

  private static List<String> signals() {
    List<String> s = new ArrayList<>(CalibrationProfile.SIGNALS);
    s.add(ANOMALY_RATE);
    return List.copyOf(s);
  }
}
