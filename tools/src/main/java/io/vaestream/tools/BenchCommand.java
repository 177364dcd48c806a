package io.vaestream.tools;

import io.vaestream.detector.Detector;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.scoring.Device;
import io.vaestream.detector.scoring.OnnxScorer;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.embedded.EmbeddedKafka;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.score.Metrics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
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
      "Runs on an embedded broker with one set of records and one processing guarantee. Sections:",
      "  core     (a) the ceiling (same graph and serdes, no inference), (b) the detector, (c) one inference",
      "           call per record, (d) the scorer alone, (e) the machine's matrix-multiply rate; latency at",
      "           25/50/90% of the detector's maximum load, a JFR profile, memory;",
      "  models   (a)-(d) for the MLP at 28x28, 64x64 and 128x128 and the convolutional VAE;",
      "  scaling  throughput against partitions x stream threads x instances;",
      "  batch    the scorer alone and the detector against the batch size.",
      "Writes a Markdown report."
    })
final class BenchCommand implements Callable<Integer> {
  enum Section { core, models, scaling, batch }

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

  @Option(names = "--model", defaultValue = "mlp-28",
      description = "The model of the core section: mlp-28 (the demo model), conv-28, mlp-64 or mlp-128 (default: ${DEFAULT-VALUE}).")
  String modelName;

  @Option(names = "--sections", split = ",", defaultValue = "core,models,scaling,batch",
      description = "Sections to run (default: ${DEFAULT-VALUE}).")
  Set<Section> sections = EnumSet.allOf(Section.class);

  @Option(names = "--compare-models", split = ",", defaultValue = "mlp-28,conv-28,mlp-64,mlp-128",
      description = "Models of the models section (default: ${DEFAULT-VALUE}).")
  List<String> compareModels;

  @Option(names = "--scaling-partitions", split = ",", defaultValue = "1,2,4", description = "Default: ${DEFAULT-VALUE}.")
  List<Integer> scalingPartitions;

  @Option(names = "--scaling-threads", split = ",", defaultValue = "1,2", description = "Default: ${DEFAULT-VALUE}.")
  List<Integer> scalingThreads;

  @Option(names = "--scaling-instances", split = ",", defaultValue = "1,2", description = "Default: ${DEFAULT-VALUE}.")
  List<Integer> scalingInstances;

  @Option(names = "--batch-sizes", split = ",", defaultValue = "1,4,16,64,256", description = "Default: ${DEFAULT-VALUE}.")
  List<Integer> batchSizes;

  @Option(names = "--out", defaultValue = "runs/bench/benchmarks.md", description = "Report (default: ${DEFAULT-VALUE}).")
  Path out;

  private EmbeddedKafka kafka;
  private final Map<String, String> memory = new LinkedHashMap<>();

  /** One throughput run. */
  record Run(String name, int records, double seconds, double steadyPerSecond) {
    double perSecond() {
      return records / seconds;
    }
  }

  /** What one throughput run starts: {@code instances} detectors of {@code threads} stream threads each. */
  record Trial(String name, String input, int records, Path model, Supplier<Scorer> scorer, int maxBatch, int threads,
      int instances, Path jfr) {}

  /** The core measurements of one model. */
  record ModelRuns(BenchModel model, int records, int recordBytes, Run ceiling, Run detector, Run perRecord,
      double scorerBatched, double scorerSingle) {}

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out.toAbsolutePath().getParent());
    BenchModel core = BenchModel.named(modelName);
    List<BenchModel> compared = compareModels.stream().map(BenchModel::named).toList();
    // Train (or find) every model before the broker starts, so training never overlaps a measurement.
    Map<String, Path> models = new HashMap<>();
    for (BenchModel m : sections.contains(Section.models) ? union(core, compared) : List.of(core)) {
      models.put(m.name(), m.ensure());
    }
    StringBuilder md = new StringBuilder();
    kafka = EmbeddedKafka.start();
    try {
      md.append(header(core));
      ImageDataset test = core.testImages(10_000);
      if (sections.contains(Section.core) || sections.contains(Section.batch)) {
        String input = preload("bench-images", partitions, test, records);
        // The first runs in a fresh JVM are slower (JIT, class loading); warm up before measuring.
        for (int i = 0; i < 2; i++) {
          throughput(new Trial("warm-up, ceiling (not reported)", input, records, models.get(core.name()),
              () -> new NoopScorer(core.contract()), batch, threads, 1, null));
          throughput(new Trial("warm-up, detector (not reported)", input, records, models.get(core.name()),
              () -> onnx(models.get(core.name())), batch, threads, 1, null));
        }
        if (sections.contains(Section.core)) {
          md.append(coreSection(core, models.get(core.name()), test, input));
        }
        if (sections.contains(Section.batch)) {
          md.append(batchSection(core, models.get(core.name()), test, input));
        }
      }
      if (sections.contains(Section.models)) {
        md.append(modelsSection(compared, models));
      }
      if (sections.contains(Section.scaling)) {
        md.append(scalingSection(core, models.get(core.name()), test));
      }
      md.append("\nAnalysis of these figures, the targets and what would close the gaps: [benchmarks-notes.md]"
          + "(benchmarks-notes.md).\n");
      Files.writeString(out, md.toString());
      System.out.println("report: " + out);
      return 0;
    } finally {
      kafka.close();
    }
  }

  private static List<BenchModel> union(BenchModel core, List<BenchModel> compared) {
    List<BenchModel> all = new ArrayList<>(List.of(core));
    compared.stream().filter(m -> !m.equals(core)).forEach(all::add);
    return all;
  }

  private String header(BenchModel core) {
    StringBuilder cmd = new StringBuilder("./vaestream bench --records " + records + " --latency-seconds "
        + latencySeconds + " --latency-warmup-seconds " + latencyWarmupSeconds + " --partitions " + partitions
        + " --threads " + threads + " --batch " + batch + " --guarantee " + guarantee
        + (commitIntervalMs == null ? "" : " --commit-interval-ms " + commitIntervalMs) + " --model " + modelName
        + " --sections " + String.join(",", sections.stream().map(Enum::name).toList()));
    if (sections.contains(Section.models)) {
      cmd.append(" --compare-models ").append(String.join(",", compareModels));
    }
    if (sections.contains(Section.scaling)) {
      cmd.append(" --scaling-partitions ").append(join(scalingPartitions)).append(" --scaling-threads ")
          .append(join(scalingThreads)).append(" --scaling-instances ").append(join(scalingInstances));
    }
    if (sections.contains(Section.batch)) {
      cmd.append(" --batch-sizes ").append(join(batchSizes));
    }
    cmd.append(" --out ").append(out);
    return "# Benchmarks\n\nReproduce with:\n\n```\n" + cmd + "\n```\n\n"
        + String.format(Locale.ROOT, "Machine: %d cores, %s, Java %s. Broker, producer, detector(s) and consumer all "
            + "run in this one JVM on this machine. Records are Fashion-MNIST test images sent as Avro ImageEvents "
            + "(8-bit grey), read back with `read_committed`; `%s`, commit.interval.ms %s. Core model: %s. Before the first "
            + "measurement the JVM is warmed up with two unreported runs each of the ceiling and the detector.%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), System.getProperty("java.version"),
        guarantee, commitIntervalMs == null ? "100" : commitIntervalMs, core.describe());
  }

  private static String join(List<Integer> v) {
    return String.join(",", v.stream().map(String::valueOf).toList());
  }

  // ---------------------------------------------------------------- core

  private String coreSection(BenchModel core, Path model, ImageDataset test, String input) throws Exception {
    Run ceiling = throughput(new Trial("(a) ceiling (no inference)", input, records, model,
        () -> new NoopScorer(core.contract()), batch, threads, 1, null));
    Run detector = throughput(new Trial("(b) detector (batch " + batch + ")", input, records, model, () -> onnx(model),
        batch, threads, 1, null));
    Run perRecord = throughput(new Trial("(c) per-record baseline (batch 1)", input, records, model,
        () -> onnx(model), 1, threads, 1, null));
    // Profiled separately: JFR's own overhead must not lower the measured throughput.
    Path jfr = Files.createDirectories(Path.of("runs", "bench")).resolve("detector.jfr");
    throughput(new Trial("detector, profiled with JFR", input, records, model, () -> onnx(model), batch, threads, 1,
        jfr));
    double[] scorer = {scorerAlone(model, test, batch), scorerAlone(model, test, 1)};
    double gflops = gemmGflops();
    List<double[]> latency = new ArrayList<>();
    for (double frac : new double[] {0.25, 0.5, 0.9}) {
      latency.add(latency(model, frac, frac * detector.steadyPerSecond(), test));
    }
    String profile = JfrSummary.summarize(jfr, 15);

    long flops = core.flopsPerImage();
    double scorerGflops = scorer[0] * flops / 1e9;
    StringBuilder md = new StringBuilder("## Throughput\n\n");
    md.append(String.format(Locale.ROOT, "%d records preloaded into %d partition(s); %d stream thread(s).%n%n", records,
        partitions, threads));
    md.append("| run | records/s (overall) | records/s (steady) |\n|---|---|---|\n");
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
    memory.forEach((k, v) -> md.append("- ").append(k).append(" after the profiled detector run: ").append(v).append("\n"));
    md.append("- A detector alone in its own JVM, over 30 minutes: [soak.md](soak.md) (`./vaestream soak`).\n");
    md.append("\n## Where the time goes (JFR of a separate detector run, kept in runs/bench/detector.jfr)\n\n")
        .append(profile).append("\n");
    md.append("## GPU\n\nNot measured: no GPU was lent to this machine. `./vaestream jmh -jvmArgsAppend "
        + "-Dvaestream.device=cuda` on a GPU build (`-Pgpu`) measures the scorer there.\n\n");
    return md.toString();
  }

  // ---------------------------------------------------------------- models

  private String modelsSection(List<BenchModel> compared, Map<String, Path> models) throws Exception {
    List<ModelRuns> rows = new ArrayList<>();
    for (BenchModel m : compared) {
      Path model = models.get(m.name());
      ImageDataset images = m.testImages(2000);
      // Fewer records for larger images, so that every run moves about the same number of bytes.
      int n = Math.max(2000, (int) ((long) records * 784 / m.contract().size()));
      String input = preload("bench-" + m.name(), partitions, images, n);
      int bytes = AvroSerdes.encode(ImageSender.event(images, 0, "b-0", null)).length;
      Run ceiling = throughput(new Trial(m.name() + " (a) ceiling", input, n, model,
          () -> new NoopScorer(m.contract()), batch, threads, 1, null));
      Run detector = throughput(new Trial(m.name() + " (b) detector", input, n, model, () -> onnx(model), batch,
          threads, 1, null));
      Run perRecord = throughput(new Trial(m.name() + " (c) per-record", input, n, model, () -> onnx(model), 1,
          threads, 1, null));
      rows.add(new ModelRuns(m, n, bytes, ceiling, detector, perRecord, scorerAlone(model, images, batch),
          scorerAlone(model, images, 1)));
    }
    StringBuilder md = new StringBuilder("## Cost against model and image size\n\n");
    md.append(String.format(Locale.ROOT, "Each model was trained for these runs on Fashion-MNIST class %d (resized for "
        + "64x64 and 128x128) and measured like the core section: (a) ceiling, (b) detector with batches of %d, "
        + "(c) one inference call per record, (d) the scorer alone. Records per run shrink with the image so that "
        + "each run moves about the same bytes. Steady records/s.%n%n", BenchModel.NORMAL_CLASS, batch));
    md.append("| model | MFLOP/image | record bytes | records | (a) ceiling | (b) detector | (c) per-record "
        + "| (d) scorer, batch " + batch + " | (d) scorer, batch 1 | detector / ceiling | detector / per-record "
        + "| inference share of (b) |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (ModelRuns r : rows) {
      double det = r.detector().steadyPerSecond();
      md.append(String.format(Locale.ROOT, "| %s | %.1f | %d | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f | %.2f | %.0f%% |%n",
          r.model().name(), r.model().flopsPerImage() / 1e6, r.recordBytes(), r.records(),
          r.ceiling().steadyPerSecond(), det, r.perRecord().steadyPerSecond(), r.scorerBatched(), r.scorerSingle(),
          det / r.ceiling().steadyPerSecond(), det / r.perRecord().steadyPerSecond(),
          100 * Math.min(1, det / r.scorerBatched())));
    }
    md.append("\nInference share of (b) = the detector's rate divided by the batched scorer's: the part of each "
        + "record's time spent in ONNX Runtime.\n\n");
    return md.toString();
  }

  // ---------------------------------------------------------------- scaling

  private String scalingSection(BenchModel core, Path model, ImageDataset test) throws Exception {
    record Row(int partitions, int threads, int instances, Run run) {}
    List<Row> rows = new ArrayList<>();
    for (int p : scalingPartitions) {
      String input = preload("bench-scale-p" + p, p, test, records);
      for (int i : scalingInstances) {
        for (int t : scalingThreads) {
          Run r = throughput(new Trial(p + " partition(s), " + t + " thread(s), " + i + " instance(s)", input, records,
              model, () -> onnx(model), batch, t, i, null));
          rows.add(new Row(p, t, i, r));
        }
      }
    }
    double base = rows.get(0).run().steadyPerSecond();
    StringBuilder md = new StringBuilder("## Scaling: partitions × stream threads × instances\n\n");
    md.append(String.format(Locale.ROOT, "%s, %d records per run; instances are separate KafkaStreams "
        + "applications of one group in this JVM, each with its own scorer. Stream tasks = partitions, so "
        + "threads × instances beyond the partition count stay idle.%n%n", core.describe(), records));
    md.append("| partitions | threads per instance | instances | records/s (steady) | records/s (overall) | vs first row |\n"
        + "|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT, "| %d | %d | %d | %.0f | %.0f | %.2f |%n", r.partitions(), r.threads(),
          r.instances(), r.run().steadyPerSecond(), r.run().perSecond(), r.run().steadyPerSecond() / base));
    }
    return md.append('\n').toString();
  }

  // ---------------------------------------------------------------- batch

  private String batchSection(BenchModel core, Path model, ImageDataset test, String input) throws Exception {
    StringBuilder md = new StringBuilder("## Batch size\n\n");
    md.append(String.format(Locale.ROOT, "%s. The scorer alone (no Kafka) and the whole detector "
        + "(`batch.max.size`, %d records preloaded) at each batch size.%n%n", core.describe(), records));
    md.append("| batch | scorer images/s | scorer µs/image | detector records/s (steady) |\n|---|---|---|---|\n");
    for (int b : batchSizes) {
      double scorer = scorerAlone(model, test, b);
      Run r = throughput(new Trial("detector, batch " + b, input, records, model, () -> onnx(model), b, threads, 1, null));
      md.append(String.format(Locale.ROOT, "| %d | %.0f | %.1f | %.0f |%n", b, scorer, 1e6 / scorer, r.steadyPerSecond()));
    }
    return md.append('\n').toString();
  }

  // ---------------------------------------------------------------- runs

  private static Scorer onnx(Path model) {
    return OnnxScorer.open(model, Device.AUTO, null, null);
  }

  /** A new topic of {@code partitions} holding {@code n} events cycled from {@code images}. */
  private String preload(String prefix, int partitions, ImageDataset images, int n) throws Exception {
    String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(partitions, topic);
    long t0 = System.nanoTime();
    new ImageSender(kafka.bootstrapServers(), topic).send(images, n, "b", null, 0, k -> { });
    double s = (System.nanoTime() - t0) / 1e9;
    log("preloaded %d %dx%d records into %s (%d partition(s)) in %.1f s", n, images.contract().width(),
        images.contract().height(), topic, partitions, s);
    return topic;
  }

  private Map<String, Object> config(String appId, String input, String output, Path model, int maxBatch,
      int streamThreads) {
    Map<String, Object> c = new HashMap<>();
    c.put(DetectorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    c.put(DetectorConfig.APPLICATION_ID, appId);
    c.put(DetectorConfig.MODEL_PATH, model.toString());
    c.put(DetectorConfig.INPUT_TOPIC, input);
    c.put(DetectorConfig.SCORES_TOPIC, output);
    c.put(DetectorConfig.ANOMALIES_TOPIC, output + "-anomalies");
    c.put(DetectorConfig.DLQ_TOPIC, output + "-dlq");
    c.put(DetectorConfig.BATCH_MAX_SIZE, maxBatch);
    c.put(DetectorConfig.HTTP_PORT, 0);
    c.put(DetectorConfig.PROCESSING_GUARANTEE, guarantee);
    c.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
    if (commitIntervalMs != null) {
      c.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
    }
    c.put(StreamsConfig.STATE_DIR_CONFIG, Path.of("runs", "bench", "state-" + UUID.randomUUID().toString()
        .substring(0, 8)).toAbsolutePath().toString());
    return c;
  }

  private Run throughput(Trial trial) throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    String output = "bench-out-" + id;
    kafka.createTopics(partitions, output, output + "-anomalies", output + "-dlq");
    Recording recording = null;
    if (trial.jfr() != null) {
      recording = new Recording(Configuration.getConfiguration("profile"));
      recording.start();
    }
    long start = System.nanoTime();
    long first = 0;
    long last = 0;
    int seen = 0;
    List<Detector> detectors = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = ScoreConsumers.open(kafka.bootstrapServers(), output, true, "bench")) {
      for (int i = 0; i < trial.instances(); i++) {
        detectors.add(Detector.start(new DetectorConfig(config("bench-" + id, trial.input(), output, trial.model(),
            trial.maxBatch(), trial.threads())), trial.scorer().get()));
      }
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (seen < trial.records() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          if (seen == 0) {
            first = System.nanoTime();
          }
          seen++;
          last = System.nanoTime();
        }
      }
      if (trial.jfr() != null) {
        memory.put("heap in use", String.format(Locale.ROOT, "%.0f MB", used() / 1e6));
        memory.put("resident set", rss());
      }
    } finally {
      detectors.forEach(Detector::close);
      if (recording != null) {
        recording.stop();
        recording.dump(trial.jfr());
        recording.close();
      }
    }
    double seconds = (last - start) / 1e9;
    // A tiny run can deliver every score in one poll; its "steady" rate would be meaningless (and
    // the latency runs derive their rate from it), so under 100 ms the overall rate stands in.
    double steady = seen > 1 && last - first >= 100_000_000L ? (seen - 1) / ((last - first) / 1e9) : seen / seconds;
    Run r = new Run(trial.name(), seen, seconds, steady);
    log("%-44s %6d records in %6.1f s: %7.0f/s overall, %7.0f/s steady", trial.name(), seen, seconds, r.perSecond(),
        steady);
    return r;
  }

  /** Images/s of the scorer alone in batches of {@code b}, best of two passes over the images. */
  private double scorerAlone(Path model, ImageDataset images, int b) {
    int size = images.contract().size();
    int n = Math.min(Math.max(b, Math.min(records, images.size())), images.size());
    // Batches are cut before the clock starts: only scoring is timed.
    List<float[]> slices = new ArrayList<>();
    for (int i = 0; i + b <= n; i += b) {
      slices.add(Arrays.copyOfRange(images.pixels(), i * size, (i + b) * size));
    }
    double best = 0;
    try (Scorer s = onnx(model)) {
      for (int pass = 0; pass < 2; pass++) {
        long t0 = System.nanoTime();
        for (float[] slice : slices) {
          s.score(slice, b);
        }
        best = Math.max(best, slices.size() * (double) b / ((System.nanoTime() - t0) / 1e9));
      }
    }
    log("scorer alone, %s, batch %-3d %9.0f images/s", model.getParent().getFileName(), b, best);
    return best;
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
  private double[] latency(Path model, double frac, double rate, ImageDataset test) throws Exception {
    String input = "bench-lat-" + UUID.randomUUID().toString().substring(0, 8);
    String output = input + "-out";
    kafka.createTopics(partitions, input, output, output + "-anomalies", output + "-dlq");
    int count = (int) Math.max(1, rate * (latencySeconds + latencyWarmupSeconds));
    List<Double> lat = new ArrayList<>();
    int received = 0;
    Deserializer<AnomalyScore> scores = AvroSerdes.anomalyScore().deserializer();
    try (Detector d = Detector.start(new DetectorConfig(config("bench-" + input, input, output, model, batch, threads)),
            onnx(model));
        KafkaConsumer<byte[], byte[]> c = ScoreConsumers.open(kafka.bootstrapServers(), output, true, "bench")) {
      long ready = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (d.streams().state() != KafkaStreams.State.RUNNING && System.nanoTime() < ready) {
        c.poll(Duration.ofMillis(100));
      }
      Thread sender = new Thread(() -> new ImageSender(kafka.bootstrapServers(), input)
          .send(test, count, "l", null, rate, n -> { }));
      long warmEnd = System.currentTimeMillis() + latencyWarmupSeconds * 1000L;
      sender.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(latencySeconds + latencyWarmupSeconds + 60L).toNanos();
      while (received < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          received++;
          AnomalyScore s = scores.deserialize(output, r.value());
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

  private static long used() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static String rss() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
          .findFirst().map(l -> l.replaceAll("\\s+", " ").substring(7)).orElse("unknown") + " (whole JVM: broker, "
          + "producer, consumer and detector)";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void log(String fmt, Object... args) {
    System.err.println("[bench] " + String.format(Locale.ROOT, fmt, args));
  }
}
