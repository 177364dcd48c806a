package io.vaestream.tools;

import io.vaestream.detector.Detector;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.scoring.Device;
import io.vaestream.detector.scoring.OnnxScorer;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.embedded.EmbeddedKafka;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.score.Metrics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.StreamsConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench}: the detector against its ceiling and a per-record baseline, on one broker. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks the detector against its ceiling and a per-record baseline.",
      "Runs on an embedded broker with one set of records and one processing guarantee:",
      "(a) the ceiling (same graph and serdes, no inference), (b) the detector, (c) one inference call per",
      "record, (d) the scorer alone, (e) the machine's matrix-multiply rate; then latency at 25/50/90% of",
      "the detector's maximum load, a JFR profile, and memory. Writes a Markdown report."
    })
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--records", defaultValue = "20000", description = "Records per throughput run (default: ${DEFAULT-VALUE}).")
  int records;

  @Option(names = "--latency-seconds", defaultValue = "15", description = "Length of each latency run (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(names = "--latency-warmup-seconds", defaultValue = "5",
      description = "Scores of events sent in the first seconds of a latency run are left out (default: ${DEFAULT-VALUE}).")
  int latencyWarmupSeconds;

  @Option(names = "--partitions", defaultValue = "1", description = "Input partitions (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--guarantee", defaultValue = "exactly_once_v2", description = "Default: ${DEFAULT-VALUE}.")
  String guarantee;

  @Option(names = "--batch", defaultValue = "64", description = "The detector's batch.max.size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--commit-interval-ms", description = "Overrides the detector's commit.interval.ms (default: the detector's, 100).")
  Integer commitIntervalMs;

  @Option(names = "--out", defaultValue = "runs/bench/benchmarks.md", description = "Report (default: ${DEFAULT-VALUE}).")
  Path out;

  private EmbeddedKafka kafka;
  private Path model;
  private final Map<String, String> notes = new LinkedHashMap<>();

  /** One throughput run. */
  record Run(String name, int records, double seconds, double steadyPerSecond) {
    double perSecond() {
      return records / seconds;
    }
  }

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out.toAbsolutePath().getParent());
    model = DemoModel.ensure("fashion-mnist:train", 7, 10);
    ImageDataset test = DataSources.open("fashion-mnist:test");
    kafka = EmbeddedKafka.start();
    try {
      String input = "bench-images";
      kafka.createTopics(partitions, input);
      long t0 = System.nanoTime();
      ImageDataset data = repeat(test, records);
      new ImageSender(kafka.bootstrapServers(), input).send(data, records, "b", null, 0, n -> { });
      double produceSeconds = (System.nanoTime() - t0) / 1e9;
      log("preloaded %d records in %.1f s (%.0f/s)", records, produceSeconds, records / produceSeconds);

      Run ceiling = throughput("ceiling (no inference)", input, () -> new NoopScorer(io.vaestream.schemas.ImageContract.GRAY_28), batch, null);
      Run detector = throughput("detector (batch " + batch + ")", input, this::onnx, batch, null);
      Run perRecord = throughput("per-record baseline (batch 1)", input, this::onnx, 1, null);
      // Profiled separately: JFR's own overhead must not lower the measured throughput.
      Path jfr = Files.createDirectories(Path.of("runs", "bench")).resolve("detector.jfr");
      throughput("detector, profiled with JFR", input, this::onnx, batch, jfr);
      double[] scorer = scorerAlone(test);
      double gflops = gemmGflops();
      List<double[]> latency = new ArrayList<>();
      for (double frac : new double[] {0.25, 0.5, 0.9}) {
        latency.add(latency(frac, frac * detector.steadyPerSecond(), test));
      }
      String profile = JfrSummary.summarize(jfr, 15);
      write(ceiling, detector, perRecord, scorer, gflops, latency, profile, produceSeconds);
      System.out.println("report: " + out);
      return 0;
    } finally {
      kafka.close();
    }
  }

  private Scorer onnx() {
    return OnnxScorer.open(model, Device.AUTO, null, null);
  }

  private Map<String, Object> config(String input, String output, int maxBatch) {
    String id = UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> c = new HashMap<>();
    c.put(DetectorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    c.put(DetectorConfig.APPLICATION_ID, "bench-" + id);
    c.put(DetectorConfig.MODEL_PATH, model.toString());
    c.put(DetectorConfig.INPUT_TOPIC, input);
    c.put(DetectorConfig.SCORES_TOPIC, output);
    c.put(DetectorConfig.ANOMALIES_TOPIC, output + "-anomalies");
    c.put(DetectorConfig.DLQ_TOPIC, output + "-dlq");
    c.put(DetectorConfig.BATCH_MAX_SIZE, maxBatch);
    c.put(DetectorConfig.HTTP_PORT, 0);
    c.put(DetectorConfig.PROCESSING_GUARANTEE, guarantee);
    c.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    if (commitIntervalMs != null) {
      c.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
    }
    c.put(StreamsConfig.STATE_DIR_CONFIG, Path.of("runs", "bench", "state-" + id).toAbsolutePath().toString());
    return c;
  }

  private Run throughput(String name, String input, Supplier<Scorer> scorer, int maxBatch, Path jfr) throws Exception {
    String output = "bench-out-" + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(partitions, output, output + "-anomalies", output + "-dlq");
    Recording recording = null;
    if (jfr != null) {
      recording = new Recording(Configuration.getConfiguration("profile"));
      recording.start();
    }
    long start = System.nanoTime();
    long first = 0;
    long last = 0;
    int seen = 0;
    try (Detector d = Detector.start(new DetectorConfig(config(input, output, maxBatch)), scorer.get());
        KafkaConsumer<byte[], byte[]> c = ScoreConsumers.open(kafka.bootstrapServers(), output, true, "bench")) {
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (seen < records && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          if (seen == 0) {
            first = System.nanoTime();
          }
          seen++;
          last = System.nanoTime();
        }
      }
      if (jfr != null) {
        notes.put("heap", String.format(Locale.ROOT, "%.0f MB", used() / 1e6));
        notes.put("rss", rss());
      }
    } finally {
      if (recording != null) {
        recording.stop();
        recording.dump(jfr);
        recording.close();
      }
    }
    double seconds = (last - start) / 1e9;
    double steady = seen > 1 ? (seen - 1) / ((last - first) / 1e9) : 0;
    Run r = new Run(name, seen, seconds, steady);
    log("%-32s %6d records in %6.1f s: %7.0f/s overall, %7.0f/s steady", name, seen, seconds, r.perSecond(), steady);
    return r;
  }

  /** Images/s of the scorer alone, batched ({@code batch}) and one at a time. */
  private double[] scorerAlone(ImageDataset test) {
    int n = Math.min(records, test.size());
    float[] x = java.util.Arrays.copyOf(test.pixels(), n * 784);
    double[] out = new double[2];
    try (Scorer s = onnx()) {
      int[] batches = {batch, 1};
      for (int k = 0; k < 2; k++) {
        int b = batches[k];
        // Batches are cut before the clock starts: only scoring is timed.
        List<float[]> slices = new ArrayList<>();
        for (int i = 0; i + b <= n; i += b) {
          slices.add(java.util.Arrays.copyOfRange(x, i * 784, (i + b) * 784));
        }
        for (int warm = 0; warm < 2; warm++) {
          long t0 = System.nanoTime();
          for (float[] slice : slices) {
            s.score(slice, b);
          }
          out[k] = slices.size() * (double) b / ((System.nanoTime() - t0) / 1e9);
        }
        log("scorer alone, batch %-3d %9.0f images/s", b, out[k]);
      }
    }
    return out;
  }

  /**
   * The machine's float32 matrix-multiply rate through ND4J/OpenBLAS: the better of the first
   * layer's shape at batch 256 and a square 1024 product.
   */
  private static double gemmGflops() {
    double best = 0;
    for (long[] s : new long[][] {{256, 784, 512}, {1024, 1024, 1024}}) {
      INDArray a = Nd4j.rand(DataType.FLOAT, s[0], s[1]);
      INDArray b = Nd4j.rand(DataType.FLOAT, s[1], s[2]);
      double flop = 2.0 * s[0] * s[1] * s[2];
      int iters = (int) Math.max(3, 2e10 / flop);
      for (int rep = 0; rep < 3; rep++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < iters; i++) {
          a.mmul(b);
        }
        double gf = iters * flop / ((System.nanoTime() - t0) / 1e9) / 1e9;
        best = Math.max(best, gf);
      }
      log("GEMM %dx%d * %dx%d (OpenBLAS via ND4J): best %.1f GFLOP/s so far", s[0], s[1], s[1], s[2], best);
    }
    return best;
  }

  /** p50 and p99 event-to-score latency at {@code rate} images/s. */
  private double[] latency(double frac, double rate, ImageDataset test) throws Exception {
    String input = "bench-lat-" + UUID.randomUUID().toString().substring(0, 8);
    String output = input + "-out";
    kafka.createTopics(partitions, input, output, output + "-anomalies", output + "-dlq");
    int count = (int) Math.max(1, rate * (latencySeconds + latencyWarmupSeconds));
    List<Double> lat = new ArrayList<>();
    int[] received = {0};
    try (Detector d = Detector.start(new DetectorConfig(config(input, output, batch)), onnx());
        KafkaConsumer<byte[], byte[]> c = ScoreConsumers.open(kafka.bootstrapServers(), output, true, "bench")) {
      long ready = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (d.streams().state() != org.apache.kafka.streams.KafkaStreams.State.RUNNING && System.nanoTime() < ready) {
        c.poll(Duration.ofMillis(100));
      }
      ImageDataset data = repeat(test, count);
      Thread sender = new Thread(() -> new ImageSender(kafka.bootstrapServers(), input)
          .send(data, count, "l", null, rate, n -> { }));
      long warmEnd = System.currentTimeMillis() + latencyWarmupSeconds * 1000L;
      sender.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(latencySeconds + latencyWarmupSeconds + 60L).toNanos();
      while (received[0] < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          received[0]++;
          AnomalyScore s = AvroSerdes.anomalyScore().deserializer().deserialize(output, r.value());
          if (s.getEventTime().toEpochMilli() >= warmEnd) {
            lat.add((double) (s.getScoredTime().toEpochMilli() - s.getEventTime().toEpochMilli()));
          }
        }
      }
      sender.join();
    }
    double[] v = lat.stream().mapToDouble(Double::doubleValue).toArray();
    double p50 = Metrics.quantile(v, 0.5);
    double p99 = Metrics.quantile(v, 0.99);
    log("latency at %2.0f%% load (%.0f/s): p50 %.0f ms, p99 %.0f ms over %d scores", frac * 100, rate, p50, p99, v.length);
    return new double[] {frac, rate, p50, p99, v.length};
  }

  private static ImageDataset repeat(ImageDataset d, int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i % d.size();
    }
    return d.select(idx, d.description());
  }

  private void write(Run ceiling, Run detector, Run perRecord, double[] scorer, double gflops, List<double[]> latency,
      String profile, double produceSeconds) throws IOException {
    long flops = DemoModel.flopsPerImage();
    double scorerGflops = scorer[0] * flops / 1e9;
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n");
    md.append("Reproduce with:\n\n```\n./vaestream bench --records ").append(records).append(" --latency-seconds ")
        .append(latencySeconds).append(" --latency-warmup-seconds ").append(latencyWarmupSeconds).append(" --partitions ").append(partitions).append(" --threads ").append(threads)
        .append(" --batch ").append(batch).append(" --guarantee ").append(guarantee)
        .append(commitIntervalMs == null ? "" : " --commit-interval-ms " + commitIntervalMs).append(" --out ").append(out)
        .append("\n```\n\n");
    md.append(String.format(Locale.ROOT, "Machine: %d cores, %s, Java %s. Broker, producer, detector and consumer "
            + "all run in this one JVM on this machine. Records: %d Fashion-MNIST test images as Avro ImageEvents "
            + "(about 1 KB each), preloaded into %d partition(s) in %.1f s; `%s`, commit.interval.ms %s; %d stream "
            + "thread(s). Model: the demo MLP (784-512-256-16, %.2f MFLOP per image).%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), System.getProperty("java.version"),
        records, partitions, produceSeconds, guarantee, commitIntervalMs == null ? "100" : commitIntervalMs, threads,
        flops / 1e6));
    md.append("## Throughput\n\n| run | records/s (overall) | records/s (steady) |\n|---|---|---|\n");
    for (Run r : List.of(ceiling, detector, perRecord)) {
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f |%n", r.name(), r.perSecond(), r.steadyPerSecond()));
    }
    md.append(String.format(Locale.ROOT, "| (d) scorer alone, batch %d, no Kafka | %.0f | |%n", batch, scorer[0]));
    md.append(String.format(Locale.ROOT, "| (d) scorer alone, batch 1, no Kafka | %.0f | |%n", scorer[1]));
    md.append(String.format(Locale.ROOT, "%n(e) Compute ceiling: %.1f GFLOP/s, the best float32 GEMM through ND4J/OpenBLAS "
        + "(the first layer's shape at batch 256, and 1024 cubed); the batched scorer does %.2f MFLOP per image, "
        + "%.1f GFLOP/s. ONNX Runtime's own kernels (MLAS) can beat this OpenBLAS figure, so a ratio above 1 means the "
        + "measured ceiling is not the machine's peak.%n%n", gflops, flops / 1e6, scorerGflops));
    md.append("Overall = records / time from start (including start-up and the first rebalance); steady = between "
        + "the first and the last score.\n\n");
    md.append("## Ratios\n\n| ratio | value | target |\n|---|---|---|\n");
    md.append(String.format(Locale.ROOT, "| detector / ceiling (steady) | %.2f | >= 0.7 |%n",
        detector.steadyPerSecond() / ceiling.steadyPerSecond()));
    md.append(String.format(Locale.ROOT, "| detector / per-record (steady) | %.2f | >= 5 |%n",
        detector.steadyPerSecond() / perRecord.steadyPerSecond()));
    md.append(String.format(Locale.ROOT, "| scorer / compute ceiling | %.2f | |%n%n", scorerGflops / gflops));
    md.append("## Latency\n\nEvent-to-score latency (scored_time − event_time; the event time is set when the "
        + "producer sends) while a producer holds a fixed rate, as a share of the detector's steady throughput. "
        + "Events sent in the first " + latencyWarmupSeconds + " s of each run (start-up, first transactions) "
        + "are left out.\n\n"
        + "| load | rate (images/s) | p50 (ms) | p99 (ms) | scores |\n|---|---|---|---|---|\n");
    for (double[] l : latency) {
      md.append(String.format(Locale.ROOT, "| %.0f%% | %.0f | %.0f | %.0f | %.0f |%n", l[0] * 100, l[1], l[2], l[3], l[4]));
    }
    md.append("\n## Memory\n\n");
    notes.forEach((k, v) -> md.append("- ").append(k).append(" after the detector run: ").append(v).append("\n"));
    md.append("\n## Where the time goes (JFR of a separate detector run, kept in runs/bench/detector.jfr)\n\n").append(profile).append("\n");
    md.append("GPU: not measured (no GPU was lent to this machine); `./vaestream jmh -jvmArgsAppend -Dvaestream.device=cuda` on a GPU "
        + "build (`-Pgpu`) measures the scorer there.\n\n");
    md.append("Analysis of these figures, the targets and what would close the gaps: [benchmarks-notes.md]"
        + "(benchmarks-notes.md).\n");
    Files.writeString(out, md.toString());
  }

  private static long used() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static String rss() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
          .findFirst().map(l -> l.replaceAll("\\s+", " ").substring(7)).orElse("unknown") + " resident (whole JVM)";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void log(String fmt, Object... args) {
    System.err.println("[bench] " + String.format(Locale.ROOT, fmt, args));
  }
}
