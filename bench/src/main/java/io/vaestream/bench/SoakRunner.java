package io.vaestream.bench;

import io.vaestream.bench.SoakResults.Sample;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.embedded.EmbeddedKafka;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.tools.DemoModel;
import io.vaestream.tools.ImageSender;
import io.vaestream.tools.ScoreConsumers;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs {@code soak}: one detector process, as it runs in production, watched from outside.
 *
 * <p>First a backlog of {@code --calibration-records} is scored as fast as the detector can: that
 * is its maximum load. Then a producer holds {@code --load} of it for {@code --minutes}. Every
 * {@code --sample-seconds} the detector's {@code /metrics} and its resident set size are read:
 * heap, memory outside the heap, direct buffers and the ONNX Runtime tensors and results it holds.
 * At the end the detector is stopped with SIGTERM, and every committed score has been read back,
 * one bit per input offset, so that both loss and duplicates show.
 */
final class SoakRunner {
  private final SoakOptions o;
  private final List<Sample> samples = new ArrayList<>();

  SoakRunner(SoakOptions options) {
    this.o = options;
  }

  /** Runs the soak; the detector's log and state go next to the report, whose folder is made first. */
  SoakResults run() throws Exception {
    Path dir = Files.createDirectories(o.dir());
    Path model = DemoModel.ensure("fashion-mnist:train", 7, DemoModel.DEFAULT_EPOCHS);
    ImageDataset test = DataSources.open("fashion-mnist:test");
    String id = UUID.randomUUID().toString().substring(0, 8);
    String images = "soak-images-" + id;
    String scores = "soak-scores-" + id;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      createTopics(kafka, images, scores, scores + "-anomalies", scores + "-dlq");
      Log.soak("preloading %d records to measure the maximum load", o.calibrationRecords);
      new ImageSender(kafka.bootstrapServers(), images)
          .send(test, o.calibrationRecords, "cal", null, 0, n -> {});
      Map<String, String> settings = new HashMap<>(Map.of(
          DetectorConfig.BOOTSTRAP_SERVERS,
          kafka.bootstrapServers(),
          DetectorConfig.APPLICATION_ID,
          "soak-" + id,
          DetectorConfig.MODEL_PATH,
          model.toAbsolutePath().toString(),
          DetectorConfig.DEVICE,
          "auto",
          DetectorConfig.INPUT_TOPIC,
          images,
          DetectorConfig.SCORES_TOPIC,
          scores,
          DetectorConfig.ANOMALIES_TOPIC,
          scores + "-anomalies",
          DetectorConfig.DLQ_TOPIC,
          scores + "-dlq",
          DetectorConfig.PROCESSING_GUARANTEE,
          o.guarantee,
          StreamsConfig.STATE_DIR_CONFIG,
          dir.resolve("state-" + id).toString()));
      Tally tally = new Tally(o.partitions, scores, o.calibrationRecords);
      long wallStart = System.nanoTime();
      try (DetectorProcess detector =
              DetectorProcess.start(settings, o.detectorHeap, dir.resolve("detector.log"));
          KafkaConsumer<byte[], byte[]> consumer =
              ScoreConsumers.open(kafka.bootstrapServers(), scores, true, "soak")) {
        Log.soak("detector pid %d, log %s", detector.pid(), detector.log());
        AtomicLong sent = new AtomicLong(o.calibrationRecords);
        Sampler sampler = new Sampler(detector, tally, sent, wallStart);
        double maxRate = maximumLoad(detector, tally, consumer, sampler, wallStart);
        double steadyRate = o.rate != null ? o.rate : o.load * maxRate;
        long total = (long) (steadyRate * o.minutes * 60);
        Log.soak(
            "maximum load %.0f images/s; holding %.0f/s for %.1f min (%d images)",
            maxRate, steadyRate, o.minutes, total);
        hold(kafka, images, test, steadyRate, total, detector, tally, consumer, sampler, sent);
        int exit = detector.stop();
        long expected = o.calibrationRecords + total;
        return new SoakResults(
            Machine.current(),
            maxRate,
            steadyRate,
            expected,
            tally.lost(expected),
            tally.duplicates,
            Quantiles.of(tally.all),
            exit,
            List.copyOf(samples));
      }
    }
  }

  /** Reads back the preloaded backlog's scores; returns the rate after the first fifth. */
  private double maximumLoad(
      DetectorProcess detector,
      Tally tally,
      KafkaConsumer<byte[], byte[]> consumer,
      Sampler sampler,
      long wallStart)
      throws IOException {
    while (tally.scored < o.calibrationRecords) {
      tally.poll(consumer);
      sampler.maybeSample("max load", false);
      if (!detector.isAlive() || System.nanoTime() - wallStart > TimeUnit.MINUTES.toNanos(10)) {
        throw new IllegalStateException("the detector did not score the " + o.calibrationRecords
            + " preloaded records (alive: " + detector.isAlive() + "); see " + detector.log());
      }
    }
    // Measured after the first fifth: start-up and the first transactions are not the steady rate.
    return (tally.scored - tally.fifthScored) / ((tally.lastNanos - tally.fifthNanos) / 1e9);
  }

  /** The steady phase: {@code total} images at {@code rate}, read back until all are scored (or time is up). */
  private void hold(
      EmbeddedKafka kafka,
      String images,
      ImageDataset test,
      double rate,
      long total,
      DetectorProcess detector,
      Tally tally,
      KafkaConsumer<byte[], byte[]> consumer,
      Sampler sampler,
      AtomicLong sent)
      throws IOException, InterruptedException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread producer = new Thread(
        () -> {
          try {
            new ImageSender(kafka.bootstrapServers(), images)
                .send(
                    test,
                    Math.toIntExact(total),
                    "soak",
                    null,
                    rate,
                    n -> sent.set(o.calibrationRecords + n));
          } catch (RuntimeException e) {
            failure.set(e);
          }
        },
        "soak-producer");
    producer.start();
    long expected = o.calibrationRecords + total;
    long deadline = System.nanoTime() + (long) ((o.minutes + 5) * 60e9);
    while ((producer.isAlive() || tally.scored < expected)
        && System.nanoTime() < deadline
        && detector.isAlive()
        && failure.get() == null) {
      tally.poll(consumer);
      sampler.maybeSample("steady", true);
    }
    sampler.sample("end", true);
    producer.join();
    if (failure.get() != null) {
      throw new IllegalStateException("the producer failed", failure.get());
    }
  }

  private void createTopics(EmbeddedKafka kafka, String... names) throws Exception {
    // A long soak sends gigabytes: keep minutes of data, not all of it.
    Map<String, String> retention = Map.of(
        TopicConfig.RETENTION_MS_CONFIG,
        "600000",
        TopicConfig.SEGMENT_BYTES_CONFIG,
        Integer.toString(64 << 20));
    try (Admin admin = kafka.admin()) {
      admin
          .createTopics(List.of(names).stream()
              .map(n -> new NewTopic(n, o.partitions, (short) 1).configs(retention))
              .toList())
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  /** Committed scores read back: one bit per input offset, so loss and duplicates both show. */
  static final class Tally {
    private final BitSet[] seen;
    private final String topic;
    private final Deserializer<AnomalyScore> scores = AvroSerdes.anomalyScore().deserializer();
    // Millisecond latencies, 3 significant digits: memory bounded by the range, not the count.
    private final Histogram window = new Histogram(3);
    private final Histogram all = new Histogram(3);
    long scored;
    long duplicates;
    long lastNanos;
    long fifthScored;
    long fifthNanos;
    private final long fifth;

    Tally(int partitions, String topic, long calibrationRecords) {
      this.topic = topic;
      this.fifth = Math.max(1, calibrationRecords / 5);
      seen = new BitSet[partitions];
      for (int p = 0; p < partitions; p++) {
        seen[p] = new BitSet();
      }
    }

    void poll(KafkaConsumer<byte[], byte[]> consumer) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        AnomalyScore s = scores.deserialize(topic, r.value());
        BitSet bits = seen[s.getInputPartition()];
        int offset = Math.toIntExact(s.getInputOffset());
        if (bits.get(offset)) {
          duplicates++;
          continue;
        }
        bits.set(offset);
        lastNanos = System.nanoTime();
        if (++scored == fifth) {
          fifthScored = scored;
          fifthNanos = lastNanos;
        }
        if (s.getEventId().startsWith("soak-")) {
          long ms =
              Math.max(0, s.getScoredTime().toEpochMilli() - s.getEventTime().toEpochMilli());
          window.recordValue(ms);
          all.recordValue(ms);
        }
      }
    }

    /** Input records without a committed score, out of {@code expected}. */
    long lost(long expected) {
      long distinct = 0;
      for (BitSet b : seen) {
        distinct += b.cardinality();
      }
      return expected - distinct;
    }

    /** p50 and p99 of the latencies since the last call; NaN when there were none. */
    double[] takeWindow() {
      double[] q = window.getTotalCount() == 0
          ? new double[] {Double.NaN, Double.NaN}
          : new double[] {window.getValueAtPercentile(50), window.getValueAtPercentile(99)};
      window.reset();
      return q;
    }
  }

  /** Reads the detector every {@code --sample-seconds}. */
  private final class Sampler {
    private final DetectorProcess detector;
    private final Tally tally;
    private final AtomicLong sent;
    private final long start;
    private long next;

    Sampler(DetectorProcess detector, Tally tally, AtomicLong sent, long start) {
      this.detector = detector;
      this.tally = tally;
      this.sent = sent;
      this.start = start;
      this.next = start;
    }

    void maybeSample(String phase, boolean latency) throws IOException {
      if (System.nanoTime() >= next) {
        sample(phase, latency);
      }
    }

    void sample(String phase, boolean latency) throws IOException {
      next = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.sampleSeconds);
      if (!detector.ready()) {
        return;
      }
      PrometheusText m = detector.metrics();
      double[] window = tally.takeWindow();
      double[] lat = latency ? window : new double[] {Double.NaN, Double.NaN};
      Sample s = new Sample(
          (System.nanoTime() - start) / 1e9,
          phase,
          sent.get(),
          tally.scored,
          m.sum("jvm_memory_used_bytes", "area=\"heap\""),
          m.sum("jvm_memory_committed_bytes", "area=\"heap\""),
          m.sum("jvm_memory_used_bytes", "area=\"nonheap\""),
          m.sum("jvm_buffer_memory_used_bytes", "id=\"direct\""),
          detector.residentBytes(),
          m.get("vaestream_onnx_objects_open"),
          m.get("vaestream_onnx_objects_allocated_total"),
          lat[0],
          lat[1]);
      samples.add(s);
      Log.soak(
          "%6.0f s %-8s sent %9d scored %9d heap %4.0f/%4.0f MB, outside heap %4.0f MB, RSS %4.0f MB, "
              + "ONNX objects open %.0f, p99 %s ms",
          s.seconds(),
          phase,
          s.sent(),
          s.scored(),
          s.heapUsed() / 1e6,
          s.heapCommitted() / 1e6,
          s.outsideHeap() / 1e6,
          s.rss() / 1e6,
          s.onnxOpen(),
          Double.isNaN(s.p99()) ? "-" : String.format(Locale.ROOT, "%.0f", s.p99()));
    }
  }
}
