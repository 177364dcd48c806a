package io.vaestream.bench;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.embedded.EmbeddedKafka;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.tools.DemoModel;
import io.vaestream.tools.ImageSender;
import io.vaestream.tools.ScoreConsumers;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.score.Metrics;
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
import java.util.concurrent.Callable;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code soak}: one detector process under a steady load for a long time, watched from outside.
 *
 * <p>First a backlog of {@code --calibration-records} is scored as fast as the detector can: that
 * is its maximum load. Then a producer holds {@code --load} of it for {@code --minutes}. Every
 * {@code --sample-seconds} the detector's {@code /metrics} and its resident set size are read:
 * heap, memory outside the heap, direct buffers and the ONNX Runtime tensors and results it holds.
 * At the end every input record must have exactly one committed score.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = {
      "Runs one detector process at a steady share of its maximum load and reports its memory over time.",
      "Embedded broker; the detector is a separate JVM, sampled through /metrics and /proc. Writes a",
      "Markdown report and a CSV of every sample."
    })
public final class SoakCommand implements Callable<Integer> {
  @Option(names = "--minutes", defaultValue = "30", description = "Length of the steady phase (default: ${DEFAULT-VALUE}).")
  double minutes;

  @Option(names = "--load", defaultValue = "0.5", description = "Share of the measured maximum load (default: ${DEFAULT-VALUE}).")
  double load;

  @Option(names = "--rate", description = "Images/s for the steady phase; overrides --load.")
  Double rate;

  @Option(names = "--calibration-records", defaultValue = "40000",
      description = "Backlog scored first to measure the maximum load (default: ${DEFAULT-VALUE}).")
  int calibrationRecords;

  @Option(names = "--sample-seconds", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}.")
  int sampleSeconds;

  @Option(names = "--partitions", defaultValue = "1", description = "Input partitions (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--guarantee", defaultValue = "exactly_once_v2", description = "Default: ${DEFAULT-VALUE}.")
  String guarantee;

  @Option(names = "--detector-heap", defaultValue = "512m", description = "The detector's -Xmx (default: ${DEFAULT-VALUE}).")
  String detectorHeap;

  @Option(names = "--out", defaultValue = "runs/soak/soak.md", description = "Report (default: ${DEFAULT-VALUE}).")
  Path out;

  /** One reading of the detector process. Memory in bytes; latency in ms over the readings' window. */
  record Sample(double seconds, String phase, long sent, long scored, double heapUsed, double heapCommitted,
      double nonHeap, double direct, double rss, double onnxOpen, double onnxAllocated, double p50, double p99) {

    /** Resident memory that is not the Java heap: metaspace, code, threads, direct buffers, ONNX Runtime. */
    double outsideHeap() {
      return rss - heapCommitted;
    }
  }

  private final List<Sample> samples = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path model = DemoModel.ensure("fashion-mnist:train", 7, 10);
    ImageDataset test = DataSources.open("fashion-mnist:test");
    String id = UUID.randomUUID().toString().substring(0, 8);
    String images = "soak-images-" + id;
    String scores = "soak-scores-" + id;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      createTopics(kafka, images, scores, scores + "-anomalies", scores + "-dlq");
      log("preloading %d records to measure the maximum load", calibrationRecords);
      new ImageSender(kafka.bootstrapServers(), images).send(test, calibrationRecords, "cal", null, 0, n -> { });
      Map<String, String> settings = new HashMap<>(Map.of(
          DetectorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
          DetectorConfig.APPLICATION_ID, "soak-" + id,
          DetectorConfig.MODEL_PATH, model.toAbsolutePath().toString(),
          DetectorConfig.DEVICE, "auto",
          DetectorConfig.INPUT_TOPIC, images,
          DetectorConfig.SCORES_TOPIC, scores,
          DetectorConfig.ANOMALIES_TOPIC, scores + "-anomalies",
          DetectorConfig.DLQ_TOPIC, scores + "-dlq",
          DetectorConfig.PROCESSING_GUARANTEE, guarantee,
          StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state-" + id).toString()));
      Tally tally = new Tally(partitions, scores, calibrationRecords);
      int exit;
      double maxRate;
      double steadyRate;
      long total;
      long wallStart = System.nanoTime();
      try (DetectorProcess detector = DetectorProcess.start(settings, detectorHeap, dir.resolve("detector.log"));
          KafkaConsumer<byte[], byte[]> consumer = ScoreConsumers.open(kafka.bootstrapServers(), scores, true, "soak")) {
        log("detector pid %d, log %s", detector.pid(), detector.log());
        AtomicLong sent = new AtomicLong(calibrationRecords);
        Sampler sampler = new Sampler(detector, tally, sent, wallStart);
        while (tally.scored < calibrationRecords) {
          tally.poll(consumer);
          sampler.maybeSample("max load", false);
          if (!detector.isAlive() || System.nanoTime() - wallStart > TimeUnit.MINUTES.toNanos(10)) {
            throw new IllegalStateException("the detector did not score the " + calibrationRecords
                + " preloaded records (alive: " + detector.isAlive() + "); see " + detector.log());
          }
        }
        // Measured after the first fifth: start-up and the first transactions are not the steady rate.
        maxRate = (tally.scored - tally.fifthScored) / ((tally.lastNanos - tally.fifthNanos) / 1e9);
        steadyRate = rate != null ? rate : load * maxRate;
        total = (long) (steadyRate * minutes * 60);
        log("maximum load %.0f images/s; holding %.0f/s for %.1f min (%d images)", maxRate, steadyRate, minutes, total);

        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread producer = new Thread(() -> {
          try {
            new ImageSender(kafka.bootstrapServers(), images).send(test, Math.toIntExact(total), "soak", null,
                steadyRate, n -> sent.set(calibrationRecords + n));
          } catch (RuntimeException e) {
            failure.set(e);
          }
        }, "soak-producer");
        producer.start();
        long expected = calibrationRecords + total;
        long deadline = System.nanoTime() + (long) ((minutes + 5) * 60e9);
        while ((producer.isAlive() || tally.scored < expected) && System.nanoTime() < deadline && detector.isAlive()
            && failure.get() == null) {
          tally.poll(consumer);
          sampler.maybeSample("steady", true);
        }
        sampler.sample("end", true);
        producer.join();
        if (failure.get() != null) {
          throw new IllegalStateException("the producer failed", failure.get());
        }
        exit = detector.stop();
      }
      Path csv = dir.resolve("soak-samples.csv");
      writeCsv(csv);
      String report = report(maxRate, steadyRate, calibrationRecords + total, tally, exit, csv);
      Files.writeString(out, report);
      System.out.println(report);
      log("report: %s", out);
      return tally.lost(calibrationRecords + total) == 0 && tally.duplicates == 0 ? 0 : 1;
    }
  }

  private void createTopics(EmbeddedKafka kafka, String... names) throws Exception {
    // A long soak sends gigabytes: keep minutes of data, not all of it.
    Map<String, String> retention = Map.of(TopicConfig.RETENTION_MS_CONFIG, "600000",
        TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(64 << 20));
    try (Admin admin = kafka.admin()) {
      admin.createTopics(List.of(names).stream()
              .map(n -> new NewTopic(n, partitions, (short) 1).configs(retention)).toList())
          .all().get(60, TimeUnit.SECONDS);
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
          long ms = Math.max(0, s.getScoredTime().toEpochMilli() - s.getEventTime().toEpochMilli());
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
      double[] q = quantiles(window);
      window.reset();
      return q;
    }

    private static double[] quantiles(Histogram h) {
      return h.getTotalCount() == 0 ? new double[] {Double.NaN, Double.NaN}
          : new double[] {h.getValueAtPercentile(50), h.getValueAtPercentile(99)};
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
      next = System.nanoTime() + TimeUnit.SECONDS.toNanos(sampleSeconds);
      if (!detector.ready()) {
        return;
      }
      PrometheusText m = detector.metrics();
      double[] window = tally.takeWindow();
      double[] lat = latency ? window : new double[] {Double.NaN, Double.NaN};
      Sample s = new Sample((System.nanoTime() - start) / 1e9, phase, sent.get(), tally.scored,
          m.sum("jvm_memory_used_bytes", "area=\"heap\""), m.sum("jvm_memory_committed_bytes", "area=\"heap\""),
          m.sum("jvm_memory_used_bytes", "area=\"nonheap\""), m.sum("jvm_buffer_memory_used_bytes", "id=\"direct\""),
          detector.residentBytes(), m.get("vaestream_onnx_objects_open"),
          m.get("vaestream_onnx_objects_allocated_total"), lat[0], lat[1]);
      samples.add(s);
      log("%6.0f s %-8s sent %9d scored %9d heap %4.0f/%4.0f MB, outside heap %4.0f MB, RSS %4.0f MB, "
              + "ONNX objects open %.0f, p99 %s ms", s.seconds(), phase, s.sent(), s.scored(), s.heapUsed() / 1e6,
          s.heapCommitted() / 1e6, s.outsideHeap() / 1e6, s.rss() / 1e6, s.onnxOpen(),
          Double.isNaN(s.p99()) ? "-" : String.format(Locale.ROOT, "%.0f", s.p99()));
    }
  }

  private void writeCsv(Path csv) throws IOException {
    StringBuilder sb = new StringBuilder("seconds,phase,sent,scored,heap_used,heap_committed,non_heap,direct,rss,"
        + "outside_heap,onnx_open,onnx_allocated,p50_ms,p99_ms\n");
    for (Sample s : samples) {
      sb.append(String.format(Locale.ROOT, "%.1f,%s,%d,%d,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.1f,%.1f%n",
          s.seconds(), s.phase(), s.sent(), s.scored(), s.heapUsed(), s.heapCommitted(), s.nonHeap(), s.direct(),
          s.rss(), s.outsideHeap(), s.onnxOpen(), s.onnxAllocated(), s.p50(), s.p99()));
    }
    Files.writeString(csv, sb.toString());
  }

  private String report(double maxRate, double steadyRate, long expected, Tally tally, int exit, Path csv) {
    List<Sample> steady = samples.stream().filter(s -> !s.phase().equals("max load")).toList();
    // The first fifth of the steady phase warms up (JIT, heap sizing, first segments); growth is judged after it.
    int warm = Math.max(1, steady.size() / 5);
    List<Sample> judged = steady.size() > warm + 2 ? steady.subList(warm, steady.size()) : steady;
    StringBuilder md = new StringBuilder("# Soak\n\n");
    md.append("Reproduce with:\n\n```\n./vaestream soak --minutes ").append(fmt(minutes))
        .append(rate == null ? " --load " + fmt(load) : " --rate " + fmt(rate))
        .append(" --calibration-records ").append(calibrationRecords).append(" --sample-seconds ").append(sampleSeconds)
        .append(" --partitions ").append(partitions).append(" --guarantee ").append(guarantee)
        .append(" --detector-heap ").append(detectorHeap).append(" --out ").append(out).append("\n```\n\n");
    md.append(String.format(Locale.ROOT, "Machine: %d cores, Java %s. The detector runs alone in its own JVM (`-Xmx%s`, "
            + "`%s`, %d partition(s), the demo MLP); the embedded broker, the producer and this reader share the "
            + "machine with it. Maximum load, measured on a backlog of %d records: **%.0f images/s**. Steady "
            + "phase: **%.0f images/s** for %s min. Every sample: [%s](%s).%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), detectorHeap, guarantee,
        partitions, calibrationRecords, maxRate, steadyRate, fmt(minutes), csv.getFileName(), csv.getFileName()));
    md.append("## Verdict\n\n| check | result |\n|---|---|\n");
    long lost = tally.lost(expected);
    md.append(String.format(Locale.ROOT, "| every input record has a committed score | %s: %d of %d, %d missing |%n",
        lost == 0 ? "**yes**" : "**no**", expected - lost, expected, lost));
    md.append(String.format(Locale.ROOT, "| duplicate committed scores | %d |%n", tally.duplicates));
    double[] t = judged.stream().mapToDouble(Sample::seconds).toArray();
    double[][] floors = floorsPerMinute(judged);
    md.append(growthRow("heap after collection (lowest used heap per minute)", floors[0], floors[1]));
    md.append(growthRow("resident set (RSS)", t, judged.stream().mapToDouble(Sample::rss).toArray()));
    md.append(growthRow("outside the heap (RSS − committed heap)", t,
        judged.stream().mapToDouble(Sample::outsideHeap).toArray()));
    double maxOpen = steady.stream().mapToDouble(Sample::onnxOpen).max().orElse(Double.NaN);
    Sample last = samples.get(samples.size() - 1);
    md.append(String.format(Locale.ROOT, "| ONNX Runtime tensors and results open | at most %.0f at any sample "
            + "(one input tensor and one result while a batch runs; 0 between batches); %.0f created and closed "
            + "in all |%n", maxOpen, last.onnxAllocated()));
    if (tally.all.getTotalCount() > 0) {
      md.append(String.format(Locale.ROOT, "| event-to-score latency, steady phase | p50 %d ms, p99 %d ms, "
          + "max %d ms over %d scores |%n", tally.all.getValueAtPercentile(50), tally.all.getValueAtPercentile(99),
          tally.all.getMaxValue(), tally.all.getTotalCount()));
    }
    md.append(String.format(Locale.ROOT, "| detector exit on SIGTERM | %d%s |%n%n", exit,
        exit == 143 || exit == 0 ? " (graceful: Streams closed and committed)" : ""));
    md.append("Growth compares the mean of the last fifth of the judged samples with the mean of the first fifth; "
        + "the slope is a least-squares fit over all of them. The first fifth of the steady phase is left out as "
        + "warm-up.\n\n");
    md.append("## Over time\n\nOne row per minute (the last sample of the minute; heap floor = the lowest used heap "
        + "in it). MB = 10^6 bytes.\n\n"
        + "| minute | phase | scored | heap floor | heap used | heap committed | outside heap | RSS | direct | "
        + "ONNX open | p99 ms |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    Map<Integer, List<Sample>> byMinute = new java.util.TreeMap<>();
    for (Sample s : samples) {
      byMinute.computeIfAbsent((int) (s.seconds() / 60), k -> new ArrayList<>()).add(s);
    }
    byMinute.forEach((minute, list) -> {
      Sample s = list.get(list.size() - 1);
      double floor = list.stream().mapToDouble(Sample::heapUsed).min().orElse(Double.NaN);
      double p99 = list.stream().mapToDouble(Sample::p99).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
      md.append(String.format(Locale.ROOT, "| %d | %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %.0f | %s |%n",
          minute, s.phase(), s.scored(), floor / 1e6, s.heapUsed() / 1e6, s.heapCommitted() / 1e6,
          s.outsideHeap() / 1e6, s.rss() / 1e6, s.direct() / 1e6, s.onnxOpen(),
          Double.isNaN(p99) ? "" : String.format(Locale.ROOT, "%.0f", p99)));
    });
    return md.toString();
  }

  /** Minute starts (seconds) and the lowest used heap in each minute: the heap after its collections. */
  private static double[][] floorsPerMinute(List<Sample> samples) {
    Map<Integer, Double> floors = new java.util.TreeMap<>();
    for (Sample s : samples) {
      floors.merge((int) (s.seconds() / 60), s.heapUsed(), Math::min);
    }
    return new double[][] {floors.keySet().stream().mapToDouble(m -> m * 60.0).toArray(),
        floors.values().stream().mapToDouble(Double::doubleValue).toArray()};
  }

  private static String growthRow(String what, double[] seconds, double[] v) {
    if (v.length < 2) {
      return "| " + what + " | too few samples |\n";
    }
    int k = Math.max(1, v.length / 5);
    double first = Metrics.mean(java.util.Arrays.copyOfRange(v, 0, k));
    double lastMean = Metrics.mean(java.util.Arrays.copyOfRange(v, v.length - k, v.length));
    return String.format(Locale.ROOT, "| %s | %.0f MB → %.0f MB (%+.1f %%); fitted slope %+.1f MB per hour |%n",
        what, first / 1e6, lastMean / 1e6, 100 * (lastMean - first) / first, slope(seconds, v) * 3600 / 1e6);
  }

  /** Least-squares slope of {@code y} against {@code x}. */
  private static double slope(double[] x, double[] y) {
    double mx = Metrics.mean(x);
    double my = Metrics.mean(y);
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxx == 0 ? 0 : sxy / sxx;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static void log(String fmt, Object... args) {
    System.err.println("[soak] " + String.format(Locale.ROOT, fmt, args));
  }
}
