package io.vaestream.bench;

import io.vaestream.bench.BenchResults.LatencyRow;
import io.vaestream.bench.BenchResults.Memory;
import io.vaestream.bench.BenchResults.Run;
import io.vaestream.detector.Detector;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.lifecycle.ShadowScoring;
import io.vaestream.detector.scoring.Device;
import io.vaestream.detector.scoring.OnnxScorer;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.embedded.EmbeddedKafka;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.tools.ImageSender;
import io.vaestream.tools.ScoreConsumers;
import io.vaestream.trainer.data.ImageDataset;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The measurements of {@code bench} that need the broker: throughput runs of detectors started in
 * this JVM, and latency runs at a fixed rate. Every run gets topics of its own, so runs never see
 * each other's records; the detectors get the options' settings ({@link #config}). A throughput
 * run is described by a {@link Trial}.
 */
final class TrialRunner {
  private final BenchOptions o;
  private final EmbeddedKafka kafka;
  /** What live runs send. */
  private final ImageDataset liveImages;

  TrialRunner(BenchOptions options, EmbeddedKafka kafka, ImageDataset liveImages) {
    this.o = options;
    this.kafka = kafka;
    this.liveImages = liveImages;
  }

  /**
   * A throughput run and what was seen beside its rate.
   *
   * @param shadowEvents images the shadow model scored, over every detector; 0 without one
   * @param memory this JVM after the run; null unless it was profiled
   * @param nativeProfile null unless it was profiled and perf is installed
   * @param javaProfile null unless it was profiled
   */
  record Observed(
      Run run, double shadowEvents, Memory memory, String nativeProfile, String javaProfile) {}

  static Scorer onnx(Path model) {
    return OnnxScorer.open(model, Device.AUTO);
  }

  /** A new topic of {@code partitions} holding {@code n} events cycled from {@code images}. */
  String preload(String prefix, int partitions, ImageDataset images, int n) throws Exception {
    String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(partitions, topic);
    long t0 = System.nanoTime();
    sender(topic).send(images, n, "b", null, 0, k -> {});
    double s = (System.nanoTime() - t0) / 1e9;
    Log.bench(
        "preloaded %d %dx%d records into %s (%d partition(s)) in %.1f s",
        n, images.contract().width(), images.contract().height(), topic, partitions, s);
    return topic;
  }

  /** The bootstrap servers of the broker the trials run on. */
  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  Run throughput(Trial trial) throws Exception {
    return observe(trial).run();
  }

  /** Runs {@code trial} until every score is read back (at most 10 minutes). */
  Observed observe(Trial trial) throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    String output = "bench-out-" + id;
    kafka.createTopics(o.partitions, output, output + "-anomalies", output + "-dlq");
    if (trial.modelsTopic() != null) {
      kafka.createTopics(o.partitions, output + ".shadow");
    }
    String input = trial.input();
    if (trial.live()) {
      input = "bench-live-" + id;
      kafka.createTopics(o.partitions, input);
    }
    long start = System.nanoTime();
    long[] arrivals = new long[trial.records()];
    int seen = 0;
    List<Detector> detectors = new ArrayList<>();
    Thread sender = null;
    AtomicLong senderDone = new AtomicLong(Long.MAX_VALUE);
    Profiler profiler = trial.profile() == null ? null : new Profiler(trial.profile());
    Memory memory = null;
    double shadowEvents = 0;
    try (KafkaConsumer<byte[], byte[]> c =
        ScoreConsumers.open(kafka.bootstrapServers(), output, true, "bench")) {
      for (int i = 0; i < trial.instances(); i++) {
        detectors.add(Detector.start(
            new DetectorConfig(config("bench-" + id, input, output, trial)),
            trial.scorer().get()));
      }
      if (trial.live()) {
        String topic = input;
        sender = new Thread(
            () -> {
              sender(topic).send(liveImages, trial.records(), "live", null, 0, n -> {});
              senderDone.set(System.nanoTime());
            },
            "bench-live-sender");
        sender.start();
      }
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (seen < trial.records() && System.nanoTime() < deadline) {
        ConsumerRecords<byte[], byte[]> polled = c.poll(Duration.ofMillis(100));
        long now = System.nanoTime();
        for (int k = polled.count(); k > 0 && seen < arrivals.length; k--) {
          arrivals[seen++] = now;
        }
        // Profile the steady part only: the same window the steady rate is taken over.
        if (profiler != null) {
          profiler.during(
              seen >= trial.records() / 10 && seen < trial.records() - trial.records() / 10);
        }
      }
      if (profiler != null) {
        memory = new Memory(
            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), residentSet());
      }
    } finally {
      if (profiler != null) {
        profiler.during(false);
      }
      if (trial.modelsTopic() != null) {
        shadowEvents = detectors.stream()
            .mapToDouble(
                d -> d.metrics().registry().counter(ShadowScoring.EVENTS_METER).count())
            .sum();
      }
      detectors.forEach(Detector::close);
      if (sender != null) {
        sender.join();
      }
    }
    double seconds = seen == 0 ? Double.NaN : (arrivals[seen - 1] - start) / 1e9;
    double steady = steadyRate(arrivals, counted(trial, arrivals, seen, senderDone.get()), seconds);
    Run r = new Run(trial.name(), seen, seconds, steady);
    Log.bench(
        "%-44s %6d records in %6.1f s: %7.0f/s overall, %7.0f/s steady",
        trial.name(), seen, seconds, r.perSecond(), steady);
    return profiler == null
        ? new Observed(r, shadowEvents, null, null, null)
        : new Observed(r, shadowEvents, memory, profiler.nativeProfile(), profiler.javaProfile());
  }

  /**
   * The scores that count towards the steady rate. With a live producer, only those that arrived
   * while it was still sending: after that the detector drains a backlog alone, which is faster.
   */
  private static int counted(Trial trial, long[] arrivals, int seen, long senderDone) {
    int counted = seen;
    while (trial.live() && counted > 0 && arrivals[counted - 1] > senderDone) {
      counted--;
    }
    if (trial.live() && counted < 100) {
      Log.bench(
          "%s: the producer finished before the detector got going; counting every score",
          trial.name());
      counted = seen;
    }
    return counted;
  }

  /**
   * Scores per second between the arrival of the 10th and the 90th percentile score: start-up, the
   * first rebalance and transaction, and the last partial commit are left out. A run too short to
   * have such a middle (every score in one or two polls) reports its overall rate instead; the
   * latency runs derive their rate from this figure, so it must never be absurd.
   */
  static double steadyRate(long[] arrivals, int n, double overallSeconds) {
    int lo = n / 10;
    int hi = n - 1 - n / 10;
    if (hi <= lo || arrivals[hi] - arrivals[lo] < 100_000_000L) {
      return n / overallSeconds;
    }
    return (hi - lo) / ((arrivals[hi] - arrivals[lo]) / 1e9);
  }

  /** Event-to-score latency at {@code frac} of {@code max} images/s, with the detector's commit interval set. */
  LatencyRow latency(Path model, int commitMs, double max, double frac, ImageDataset test)
      throws Exception {
    double rate = frac * max;
    String input = "bench-lat-" + UUID.randomUUID().toString().substring(0, 8);
    String output = input + "-out";
    kafka.createTopics(o.partitions, input, output, output + "-anomalies", output + "-dlq");
    int count = (int) Math.max(1, rate * (o.latencySeconds + o.latencyWarmupSeconds));
    // Milliseconds, 3 significant digits; the range grows as needed.
    Histogram scored = new Histogram(3);
    Histogram visible = new Histogram(3);
    int received = 0;
    Deserializer<AnomalyScore> scores = AvroSerdes.anomalyScore().deserializer();
    GcPauses.Summary gc;
    Trial trial = new Trial(
        "latency",
        input,
        count,
        model,
        () -> onnx(model),
        o.batch,
        o.threads,
        1,
        null,
        true,
        commitMs,
        false,
        null);
    try (Detector d = Detector.start(
            new DetectorConfig(config("bench-" + input, input, output, trial)), onnx(model));
        KafkaConsumer<byte[], byte[]> c =
            ScoreConsumers.open(kafka.bootstrapServers(), output, true, "bench")) {
      long ready = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (d.streams().state() != KafkaStreams.State.RUNNING && System.nanoTime() < ready) {
        c.poll(Duration.ofMillis(100));
      }
      Thread sender = new Thread(() -> sender(input).send(test, count, "l", null, rate, n -> {}));
      long warmEnd = System.currentTimeMillis() + o.latencyWarmupSeconds * 1000L;
      sender.start();
      long deadline = System.nanoTime()
          + Duration.ofSeconds(o.latencySeconds + o.latencyWarmupSeconds + 60L).toNanos();
      try (GcPauses pauses = GcPauses.watch(warmEnd)) {
        while (received < count && System.nanoTime() < deadline) {
          ConsumerRecords<byte[], byte[]> polled = c.poll(Duration.ofMillis(100));
          long arrived = System.currentTimeMillis();
          for (ConsumerRecord<byte[], byte[]> r : polled) {
            received++;
            AnomalyScore s = scores.deserialize(output, r.value());
            long sent = s.getEventTime().toEpochMilli();
            if (sent >= warmEnd) {
              scored.recordValue(Math.max(0, s.getScoredTime().toEpochMilli() - sent));
              visible.recordValue(Math.max(0, arrived - sent));
            }
          }
        }
        gc = pauses.summary();
      }
      sender.join();
    }
    LatencyRow l =
        new LatencyRow(commitMs, max, frac, Quantiles.of(scored), Quantiles.of(visible), gc);
    Log.bench(
        "latency, commit %d ms, at %2.0f%% load (%.0f/s): scored p50 %d p99 %d ms, visible p50 %d p99 %d "
            + "max %d ms over %d scores; %s",
        commitMs,
        frac * 100,
        rate,
        l.scored().p50(),
        l.scored().p99(),
        l.visible().p50(),
        l.visible().p99(),
        l.visible().max(),
        l.visible().count(),
        gc);
    return l;
  }

  /** A sender of image events in the input format this run measures. */
  private ImageSender sender(String topic) {
    return new ImageSender(kafka.bootstrapServers(), topic, o.schemaRegistry);
  }

  /** A detector's settings for {@code trial}: the options' guarantee, localization and {@code --set} last. */
  private Map<String, Object> config(String appId, String input, String output, Trial trial) {
    Map<String, Object> c = new HashMap<>();
    c.put(DetectorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    c.put(DetectorConfig.APPLICATION_ID, appId);
    c.put(DetectorConfig.MODEL_PATH, trial.model().toString());
    c.put(DetectorConfig.INPUT_TOPIC, input);
    c.put(DetectorConfig.SCORES_TOPIC, output);
    c.put(DetectorConfig.ANOMALIES_TOPIC, output + "-anomalies");
    c.put(DetectorConfig.DLQ_TOPIC, output + "-dlq");
    c.put(DetectorConfig.BATCH_MAX_SIZE, trial.maxBatch());
    c.put(DetectorConfig.INFERENCE_PIPELINED, trial.pipelined());
    c.put(DetectorConfig.LOCALIZATION, o.localization);
    c.put(DetectorConfig.HTTP_PORT, 0);
    c.put(DetectorConfig.PROCESSING_GUARANTEE, o.guarantee);
    c.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, trial.threads());
    Integer commit = trial.commitMs() != null ? trial.commitMs() : o.commitIntervalMs;
    if (commit != null) {
      c.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commit);
    }
    c.put(
        StreamsConfig.STATE_DIR_CONFIG,
        Path.of("runs", "bench", "state-" + UUID.randomUUID().toString().substring(0, 8))
            .toAbsolutePath()
            .toString());
    if (o.schemaRegistry != null) {
      c.put(DetectorConfig.SCHEMA_REGISTRY_URL, o.schemaRegistry);
    }
    if (trial.modelsTopic() != null) {
      c.put(DetectorConfig.MODELS_TOPIC, trial.modelsTopic());
    }
    c.putAll(o.settings);
    return c;
  }

  /** VmRSS of this JVM as /proc states it; null where there is no /proc. */
  private static String residentSet() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("VmRSS"))
          .findFirst()
          .map(l -> l.replaceAll("\\s+", " ").substring(7))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }
}
