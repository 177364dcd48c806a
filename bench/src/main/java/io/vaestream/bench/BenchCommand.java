package io.vaestream.bench;

import io.vaestream.detector.Detector;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.lifecycle.ModelPublisher;
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
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import jdk.jfr.Recording;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.HdrHistogram.Histogram;
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
      "  models   (a)-(d) for the MLP at 28x28 (float and int8), 64x64 and 128x128 and the convolutional VAE;",
      "  scaling  throughput against partitions x stream threads x instances;",
      "  batch    the scorer alone and the detector against the batch size.",
      "Writes a Markdown report."
    })
public final class BenchCommand implements Callable<Integer> {
  enum Section { core, models, scaling, batch, shadow }

  @Option(names = "--records", defaultValue = "20000", description = "Records per throughput run (default: ${DEFAULT-VALUE}).")
  int records;

  @Option(names = "--repeat", defaultValue = "3",
      description = "Interleaved rounds of the core throughput runs; the report gives medians and ranges (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--latency-seconds", defaultValue = "15", description = "Length of each latency run (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(names = "--latency-warmup-seconds", defaultValue = "5",
      description = "Scores of events sent in the first seconds of a latency run are left out (default: ${DEFAULT-VALUE}).")
  int latencyWarmupSeconds;

  @Option(names = "--latency-commit-intervals", split = ",", defaultValue = "100,20",
      description = "The detector's commit.interval.ms in the latency runs: under exactly_once_v2 it bounds how "
          + "soon a score is visible (default: ${DEFAULT-VALUE}).")
  List<Integer> latencyCommitIntervals;

  @Option(names = "--partitions", defaultValue = "1", description = "Input partitions (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--guarantee", defaultValue = "exactly_once_v2", description = "Default: ${DEFAULT-VALUE}.")
  String guarantee;

  @Option(names = "--batch", defaultValue = "64", description = "The detector's batch.max.size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--localization", defaultValue = "true", arity = "1",
      description = "The detector's localization: maps and boxes on flagged events (default: ${DEFAULT-VALUE}).")
  boolean localization;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "A detector setting for every detector the benchmark starts, for example batch.store=memory "
          + "(repeatable; applied last).")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(names = "--schema-registry", paramLabel = "URL",
      description = "Send the input in the Confluent wire format through this registry's Confluent-compatible API "
          + "(the detectors get it as schema.registry.url); default: Avro single-object encoding.")
  String schemaRegistry;

  @Option(names = "--commit-interval-ms", description = "Overrides the detector's commit.interval.ms (default: the detector's, 100).")
  Integer commitIntervalMs;

  @Option(names = "--model", defaultValue = "mlp-28",
      description = "The model of the core section: mlp-28 (the demo model), mlp-28-int8 (its weights in int8), conv-28, "
          + "mlp-64 or mlp-128 (default: ${DEFAULT-VALUE}).")
  String modelName;

  @Option(names = "--sections", split = ",", defaultValue = "core,models,scaling,batch",
      description = "Sections to run (default: ${DEFAULT-VALUE}).")
  Set<Section> sections = EnumSet.allOf(Section.class);

  @Option(names = "--compare-models", split = ",", defaultValue = "mlp-28,mlp-28-int8,conv-28,mlp-64,mlp-128",
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
  /** The models topic the detectors follow, during shadow runs; null otherwise. */
  private String modelsTopic;
  /** Images the shadow model scored in the last run that had one. */
  private double shadowEvents;
  private final Map<String, String> memory = new LinkedHashMap<>();
  private String nativeProfile;
  /** What live runs send. */
  private ImageDataset liveImages;

  /** One throughput run. */
  record Run(String name, int records, double seconds, double steadyPerSecond) {
    double perSecond() {
      return records / seconds;
    }
  }

  /**
   * What one throughput run starts: {@code instances} detectors of {@code threads} stream threads
   * each, reading a preloaded {@code input}, or, when {@code live}, a new topic that a producer in
   * this JVM fills as fast as it can while they run.
   */
  record Trial(String name, String input, int records, Path model, Supplier<Scorer> scorer, int maxBatch, int threads,
      int instances, Path profile, boolean pipelined, Integer commitMs, boolean live) {
    /** Pipelined inference, as the detector runs by default; batch 1 is the synchronous per-record baseline. */
    Trial(String name, String input, int records, Path model, Supplier<Scorer> scorer, int maxBatch, int threads,
        int instances, Path profile) {
      this(name, input, records, model, scorer, maxBatch, threads, instances, profile, maxBatch > 1, null, false);
    }

    Trial notPipelined() {
      return new Trial(name, input, records, model, scorer, maxBatch, threads, instances, profile, false, commitMs, live);
    }

    Trial withCommitMs(Integer ms) {
      return new Trial(name, input, records, model, scorer, maxBatch, threads, instances, profile, pipelined, ms, live);
    }

    Trial sentLive() {
      return new Trial(name, null, records, model, scorer, maxBatch, threads, instances, profile, pipelined, commitMs,
          true);
    }
  }

  /** The same run repeated; figures are medians, with the range. */
  record Repeated(String name, List<Run> runs) {
    double steady() {
      return median(runs.stream().mapToDouble(Run::steadyPerSecond).toArray());
    }

    double overall() {
      return median(runs.stream().mapToDouble(Run::perSecond).toArray());
    }

    double min() {
      return runs.stream().mapToDouble(Run::steadyPerSecond).min().orElse(Double.NaN);
    }

    double max() {
      return runs.stream().mapToDouble(Run::steadyPerSecond).max().orElse(Double.NaN);
    }
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** The median and range of a ratio taken within each round of runs. */
  private static String ratio(Repeated num, Repeated den) {
    int n = Math.min(num.runs().size(), den.runs().size());
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = num.runs().get(i).steadyPerSecond() / den.runs().get(i).steadyPerSecond();
    }
    double[] sorted = r.clone();
    Arrays.sort(sorted);
    return n == 1 ? String.format(Locale.ROOT, "%.2f", r[0])
        : String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", median(r), sorted[0], sorted[n - 1]);
  }

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
      liveImages = test;
      if (sections.contains(Section.core) || sections.contains(Section.batch) || sections.contains(Section.shadow)) {
        NoopScorer ceilingScorer = replaying(models.get(core.name()), test);
        String input = preload("bench-images", partitions, test, records);
        // Starting JFR the first time loads classes that send compiled code back to the JIT compiler;
        // let that happen now, not in the profiled run.
        try (Recording r = new Recording()) {
          r.enable("jdk.ExecutionSample");
          r.start();
          r.stop();
        }
        // The first runs in a fresh JVM are slower (JIT, class loading); warm up before measuring.
        for (int i = 0; i < 2; i++) {
          throughput(new Trial("warm-up, ceiling (not reported)", input, records, models.get(core.name()),
              () -> ceilingScorer, batch, threads, 1, null));
          throughput(new Trial("warm-up, detector (not reported)", input, records, models.get(core.name()),
              () -> onnx(models.get(core.name())), batch, threads, 1, null));
        }
        if (sections.contains(Section.core)) {
          md.append(coreSection(core, models.get(core.name()), test, input, ceilingScorer));
        }
        if (sections.contains(Section.batch)) {
          md.append(batchSection(core, models.get(core.name()), test, input));
        }
        if (sections.contains(Section.shadow)) {
          md.append(shadowSection(core, models.get(core.name()), input));
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
    StringBuilder cmd = new StringBuilder("./vaestream bench --records " + records + " --repeat " + repeat + " --latency-seconds "
        + latencySeconds + " --latency-warmup-seconds " + latencyWarmupSeconds + " --latency-commit-intervals "
        + join(latencyCommitIntervals) + " --partitions " + partitions
        + " --threads " + threads + " --batch " + batch + " --guarantee " + guarantee
        + (commitIntervalMs == null ? "" : " --commit-interval-ms " + commitIntervalMs)
        + (localization ? "" : " --localization false") + " --model " + modelName
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
    settings.forEach((k, v) -> cmd.append(" --set ").append(k).append('=').append(v));
    if (schemaRegistry != null) {
      cmd.append(" --schema-registry ").append(schemaRegistry);
    }
    cmd.append(" --out ").append(out);
    return "# Benchmarks\n\nReproduce with:\n\n```\n" + cmd + "\n```\n\n"
        + String.format(Locale.ROOT, "Machine: %d cores, %s, Java %s. Broker, producer, detector(s) and consumer all "
            + "run in this one JVM on this machine. Records are Fashion-MNIST test images sent as Avro ImageEvents "
            + "(8-bit grey" + (schemaRegistry == null ? "" : ", in the Confluent wire format through a schema registry")
            + "), read back with `read_committed`; `%s`, commit.interval.ms %s. Core model: %s. Before the first "
            + "measurement the JVM is warmed up with two unreported runs each of the ceiling and the detector.%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), System.getProperty("java.version"),
        guarantee, commitIntervalMs == null ? "100" : commitIntervalMs, core.describe());
  }

  private static String join(List<Integer> v) {
    return String.join(",", v.stream().map(String::valueOf).toList());
  }

  // ---------------------------------------------------------------- core

  private String coreSection(BenchModel core, Path model, ImageDataset test, String input, NoopScorer ceilingScorer)
      throws Exception {
    // Interleaved rounds, so that a slow spell of the machine hits every kind of run alike.
    List<List<Run>> rounds = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int i = 1; i <= repeat; i++) {
      String round = repeat > 1 ? ", round " + i + "/" + repeat : "";
      rounds.get(0).add(throughput(new Trial("(a) ceiling" + round, input, records, model,
          () -> ceilingScorer, batch, threads, 1, null)));
      rounds.get(1).add(throughput(new Trial("(b) detector" + round, input, records, model, () -> onnx(model),
          batch, threads, 1, null)));
      rounds.get(2).add(throughput(new Trial("(b') detector, not pipelined" + round, input, records, model,
          () -> onnx(model), batch, threads, 1, null).notPipelined()));
      rounds.get(3).add(throughput(new Trial("(c) per-record" + round, input, records, model, () -> onnx(model), 1,
          threads, 1, null)));
    }
    Repeated ceiling = new Repeated("(a) ceiling: same graph and serdes, no inference", rounds.get(0));
    Repeated detector = new Repeated("(b) detector: batches of " + batch + ", pipelined inference", rounds.get(1));
    Repeated serial = new Repeated("(b') detector: batches of " + batch + ", inference on the stream thread",
        rounds.get(2));
    Repeated perRecord = new Repeated("(c) per-record baseline: one synchronous inference call per record",
        rounds.get(3));
    // Profiled separately: JFR's own overhead must not lower the measured throughput.
    Path jfr = Files.createDirectories(Path.of("runs", "bench")).resolve("detector.jfr");
    throughput(new Trial("detector, profiled (JFR and perf)", input, records, model, () -> onnx(model), batch, threads, 1,
        jfr));
    double[] scorer = {scorerAlone(model, test, batch), scorerAlone(model, test, 1)};
    double gflops = gemmGflops();
    List<Latency> latency = new ArrayList<>();
    for (int commitMs : latencyCommitIntervals) {
      // The most a producer on this machine can feed the detector: a backlog's drain rate would
      // overstate it, since the producer then needs its share of the two cores.
      Run max = throughput(new Trial("maximum load, live producer, commit " + commitMs + " ms", null, records, model,
          () -> onnx(model), batch, threads, 1, null).withCommitMs(commitMs).sentLive());
      for (double frac : new double[] {0.25, 0.5, 0.9}) {
        latency.add(latency(model, commitMs, max.steadyPerSecond(), frac, test));
      }
    }
    // A run too short for a steady window (every score in one poll) is not profiled.
    String profile = Files.exists(jfr) ? JfrSummary.summarize(jfr, 15)
        : "Not profiled: the run was too short to have a steady window.\n";

    long flops = core.flopsPerImage();
    double scorerGflops = scorer[0] * flops / 1e9;
    StringBuilder md = new StringBuilder("## Throughput\n\n");
    md.append(String.format(Locale.ROOT, "%d records preloaded into %d partition(s); %d stream thread(s); %d "
        + "interleaved round(s) of (a), (b), (b'), (c): the median, and the range over the rounds. The model flags "
        + "%.0f%% of these images (most of Fashion-MNIST is not its normal class); the ceiling's scorer does no "
        + "inference but flags the same images (their verdicts are looked up by a hash of the pixels), so every "
        + "run writes the same records to the scores and anomalies topics.%n%n", records,
        partitions, threads, repeat, 100 * ceilingScorer.flaggedShare()));
    md.append("| run | records/s (overall) | records/s (steady) | steady, range |\n|---|---|---|---|\n");
    for (Repeated r : List.of(ceiling, detector, serial, perRecord)) {
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f–%.0f |%n", r.name(), r.overall(), r.steady(),
          r.min(), r.max()));
    }
    md.append(String.format(Locale.ROOT, "| (d) scorer alone, batch %d, no Kafka | %.0f | | |%n", batch, scorer[0]));
    md.append(String.format(Locale.ROOT, "| (d) scorer alone, batch 1, no Kafka | %.0f | | |%n", scorer[1]));
    md.append(String.format(Locale.ROOT, "%n(e) Compute ceiling: %.1f GFLOP/s, the best float32 GEMM through ND4J/OpenBLAS "
        + "(the first layer's shape at batch 256, and 1024 cubed); the batched scorer does %.2f MFLOP per image, "
        + "%.1f GFLOP/s. ONNX Runtime's own kernels (MLAS) can beat this OpenBLAS figure, so a ratio above 1 means the "
        + "measured ceiling is not the machine's peak.%n%n", gflops, flops / 1e6, scorerGflops));
    md.append("Overall = records / time from start (including start-up and the first rebalance); steady = between "
        + "the arrival of the 10th and the 90th percentile score, which leaves out start-up and the last commit.\n\n");
    md.append("## Ratios\n\n| ratio | value | target |\n|---|---|---|\n");
    md.append("| detector / ceiling (steady) | " + ratio(detector, ceiling) + " | >= 0.7 |\n");
    md.append("| detector / per-record (steady) | " + ratio(detector, perRecord) + " | >= 5 |\n");
    md.append("| pipelined / not pipelined (steady) | " + ratio(detector, serial) + " | |\n");
    md.append(String.format(Locale.ROOT, "| scorer / compute ceiling | %.2f | |%n%n", scorerGflops / gflops));
    md.append("## Latency\n\nEvent-to-score latency while a producer in this JVM holds a fixed rate: 25, 50 and 90% of "
        + "the maximum load, which is the detector's steady rate while that producer sends as fast as it can (a "
        + "preloaded backlog drains faster, because then the producer is not sharing the two cores). The event time "
        + "is set when the producer sends. *Scored* = the detector's scored_time − event_time; *visible* = the moment "
        + "a `read_committed` consumer receives the score − event_time, which adds the wait for the detector's "
        + "transaction to commit: on average half of commit.interval.ms, at most all of it. Events sent in the first "
        + latencyWarmupSeconds + " s of each run (start-up, first transactions) are left out. GC = this JVM's "
        + "stop-the-world pauses in the same window (broker, producer, consumer and detector share the JVM).\n\n"
        + "| commit.interval.ms | load | rate (images/s) | scored p50 (ms) | scored p99 (ms) | visible p50 (ms) "
        + "| visible p99 (ms) | visible max (ms) | scores | GC pauses | longest pause (ms) |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Latency l : latency) {
      md.append(String.format(Locale.ROOT, "| %d | %.0f%% of %.0f | %.0f | %d | %d | %d | %d | %d | %d | %d | %.0f |%n",
          l.commitMs(), l.load() * 100, l.max(), l.load() * l.max(), l.scored().getValueAtPercentile(50),
          l.scored().getValueAtPercentile(99), l.visible().getValueAtPercentile(50),
          l.visible().getValueAtPercentile(99), l.visible().getMaxValue(), l.visible().getTotalCount(),
          l.gc().pauses(), l.gc().longestMs()));
    }
    md.append("\n## Memory\n\n");
    memory.forEach((k, v) -> md.append("- ").append(k).append(" after the profiled detector run: ").append(v).append("\n"));
    md.append("- A detector alone in its own JVM, over 30 minutes: [soak.md](soak.md) (`./vaestream soak`).\n");
    md.append("\n## Where the time goes\n\nOne more detector run, profiled (its throughput is not reported).\n\n");
    md.append("### All code, native included (Linux perf, kept in runs/bench/detector.perf.data)\n\n");
    if (nativeProfile == null) {
      md.append("Not profiled: `perf` is not installed (Debian: `apt-get install linux-perf`; the log says so), or "
          + "the run was too short to have a steady window.\n\n");
    } else {
      md.append("CPU samples of every thread of this JVM (broker, detector, consumer), 997 per second per busy "
          + "thread. ONNX Runtime runs its kernels on the calling stream thread (`inference.threads` 1).\n\n")
          .append(nativeProfile).append("\n");
    }
    md.append("### Java code (JFR, kept in runs/bench/detector.jfr)\n\n").append(profile).append("\n");
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
      NoopScorer ceilingScorer = replaying(model, images);
      Run ceiling = throughput(new Trial(m.name() + " (a) ceiling", input, n, model,
          () -> ceilingScorer, batch, threads, 1, null));
      Run detector = throughput(new Trial(m.name() + " (b) detector", input, n, model, () -> onnx(model), batch,
          threads, 1, null));
      Run perRecord = throughput(new Trial(m.name() + " (c) per-record", input, n, model, () -> onnx(model), 1,
          threads, 1, null));
      rows.add(new ModelRuns(m, n, bytes, ceiling, detector, perRecord, scorerAlone(model, images, batch),
          scorerAlone(model, images, 1)));
    }
    StringBuilder md = new StringBuilder("## Cost against model and image size\n\n");
    md.append(String.format(Locale.ROOT, "Each model was trained for these runs on Fashion-MNIST class %d (resized for "
        + "64x64 and 128x128; mlp-28-int8 is the demo model's checkpoint exported with `--quantize int8`, same FLOPs "
        + "in integer arithmetic) and measured like the core section: (a) ceiling, (b) detector with batches of %d, "
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

  // ---------------------------------------------------------------- shadow

  /**
   * The live path's throughput with a shadow model (the same model again, so as costly as the live
   * one) against without, in interleaved rounds, under the default shadow time budget.
   */
  private String shadowSection(BenchModel core, Path model, String input) throws Exception {
    String topic = "bench-models-" + UUID.randomUUID().toString().substring(0, 8);
    ModelPublisher.publish(Map.of(DetectorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers()), topic, model,
        ModelPublisher.Role.SHADOW);
    List<Run> alone = new ArrayList<>();
    List<Run> shadowed = new ArrayList<>();
    double[] coverage = new double[repeat];
    for (int i = 1; i <= repeat; i++) {
      String round = repeat > 1 ? ", round " + i + "/" + repeat : "";
      alone.add(throughput(new Trial("detector" + round, input, records, model, () -> onnx(model), batch, threads, 1,
          null)));
      modelsTopic = topic;
      try {
        shadowed.add(throughput(new Trial("detector + shadow model" + round, input, records, model,
            () -> onnx(model), batch, threads, 1, null)));
      } finally {
        modelsTopic = null;
      }
      coverage[i - 1] = shadowEvents / records;
    }
    Repeated a = new Repeated("detector, no shadow model", alone);
    Repeated s = new Repeated("detector with a shadow model (shadow.time.budget 0.5)", shadowed);
    StringBuilder md = new StringBuilder("## Shadow scoring\n\n");
    md.append(String.format(Locale.ROOT, "%s, batches of %d, %d records preloaded, %d interleaved round(s). The shadow "
        + "model is the live model published again with `--mode shadow`, so it costs as much as the live one; "
        + "its time budget (shadow.time.budget, default 0.5) lets it spend at most half the live model's inference "
        + "time, and a batch that comes while it is busy is skipped.%n%n", core.describe(), batch, records, repeat));
    md.append("| run | records/s (steady) | steady, range |\n|---|---|---|\n");
    for (Repeated r : List.of(a, s)) {
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f–%.0f |%n", r.name(), r.steady(), r.min(), r.max()));
    }
    md.append(String.format(Locale.ROOT, "%nLive throughput with a shadow model / without: **%s**. Share of the "
        + "images the shadow model scored: %.0f%% (median over rounds; the rest were over its budget or came while "
        + "it was busy).%n%n", ratio(s, a), 100 * median(coverage)));
    return md.toString();
  }

  // ---------------------------------------------------------------- runs

  private static Scorer onnx(Path model) {
    return OnnxScorer.open(model, Device.AUTO);
  }

  /** The ceiling's scorer: no inference, but the model's verdicts, so the graph writes the same records. */
  private static NoopScorer replaying(Path model, ImageDataset images) {
    try (Scorer real = onnx(model)) {
      NoopScorer noop = NoopScorer.replaying(real, images);
      log("%s flags %.1f%% of the %d images sent; the ceiling flags the same ones", model.getParent().getFileName(),
          100 * noop.flaggedShare(), images.size());
      return noop;
    }
  }

  /** A sender of image events in the input format this run measures. */
  private ImageSender sender(String topic) {
    return new ImageSender(kafka.bootstrapServers(), topic, schemaRegistry);
  }

  /** A new topic of {@code partitions} holding {@code n} events cycled from {@code images}. */
  private String preload(String prefix, int partitions, ImageDataset images, int n) throws Exception {
    String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(partitions, topic);
    long t0 = System.nanoTime();
    sender(topic).send(images, n, "b", null, 0, k -> { });
    double s = (System.nanoTime() - t0) / 1e9;
    log("preloaded %d %dx%d records into %s (%d partition(s)) in %.1f s", n, images.contract().width(),
        images.contract().height(), topic, partitions, s);
    return topic;
  }

  private Map<String, Object> config(String appId, String input, String output, Path model, int maxBatch,
      int streamThreads, boolean pipelined, Integer commitMs) {
    Map<String, Object> c = new HashMap<>();
    c.put(DetectorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    c.put(DetectorConfig.APPLICATION_ID, appId);
    c.put(DetectorConfig.MODEL_PATH, model.toString());
    c.put(DetectorConfig.INPUT_TOPIC, input);
    c.put(DetectorConfig.SCORES_TOPIC, output);
    c.put(DetectorConfig.ANOMALIES_TOPIC, output + "-anomalies");
    c.put(DetectorConfig.DLQ_TOPIC, output + "-dlq");
    c.put(DetectorConfig.BATCH_MAX_SIZE, maxBatch);
    c.put(DetectorConfig.INFERENCE_PIPELINED, pipelined);
    c.put(DetectorConfig.LOCALIZATION, localization);
    c.put(DetectorConfig.HTTP_PORT, 0);
    c.put(DetectorConfig.PROCESSING_GUARANTEE, guarantee);
    c.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
    Integer commit = commitMs != null ? commitMs : commitIntervalMs;
    if (commit != null) {
      c.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commit);
    }
    c.put(StreamsConfig.STATE_DIR_CONFIG, Path.of("runs", "bench", "state-" + UUID.randomUUID().toString()
        .substring(0, 8)).toAbsolutePath().toString());
    if (schemaRegistry != null) {
      c.put(DetectorConfig.SCHEMA_REGISTRY_URL, schemaRegistry);
    }
    if (modelsTopic != null) {
      c.put(DetectorConfig.MODELS_TOPIC, modelsTopic);
    }
    c.putAll(settings);
    return c;
  }

  private Run throughput(Trial trial) throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    String output = "bench-out-" + id;
    kafka.createTopics(partitions, output, output + "-anomalies", output + "-dlq");
    if (modelsTopic != null) {
      kafka.createTopics(partitions, output + ".shadow");
    }
    String input = trial.input();
    if (trial.live()) {
      input = "bench-live-" + id;
      kafka.createTopics(partitions, input);
    }
    long start = System.nanoTime();
    long[] arrivals = new long[trial.records()];
    int seen = 0;
    List<Detector> detectors = new ArrayList<>();
    Thread sender = null;
    AtomicLong senderDone = new AtomicLong(Long.MAX_VALUE);
    Profiler profiler = trial.profile() == null ? null : new Profiler(trial.profile());
    try (KafkaConsumer<byte[], byte[]> c = ScoreConsumers.open(kafka.bootstrapServers(), output, true, "bench")) {
      for (int i = 0; i < trial.instances(); i++) {
        detectors.add(Detector.start(new DetectorConfig(config("bench-" + id, input, output, trial.model(),
            trial.maxBatch(), trial.threads(), trial.pipelined(), trial.commitMs())), trial.scorer().get()));
      }
      if (trial.live()) {
        String topic = input;
        sender = new Thread(() -> {
          sender(topic).send(liveImages, trial.records(), "live", null, 0, n -> { });
          senderDone.set(System.nanoTime());
        }, "bench-live-sender");
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
          profiler.during(seen >= trial.records() / 10 && seen < trial.records() - trial.records() / 10);
        }
      }
      if (profiler != null) {
        memory.put("heap in use", String.format(Locale.ROOT, "%.0f MB", used() / 1e6));
        memory.put("resident set", rss());
      }
    } finally {
      if (profiler != null) {
        profiler.during(false);
      }
      if (modelsTopic != null) {
        shadowEvents = detectors.stream().mapToDouble(d -> d.metrics().registry().counter("vaestream.shadow.events")
            .count()).sum();
      }
      detectors.forEach(Detector::close);
      if (sender != null) {
        sender.join();
      }
    }
    double seconds = seen == 0 ? Double.NaN : (arrivals[seen - 1] - start) / 1e9;
    // With a live producer, only the scores that arrived while it was still sending count: after
    // that the detector drains a backlog alone, which is faster.
    int counted = seen;
    while (trial.live() && counted > 0 && arrivals[counted - 1] > senderDone.get()) {
      counted--;
    }
    if (trial.live() && counted < 100) {
      log("%s: the producer finished before the detector got going; counting every score", trial.name());
      counted = seen;
    }
    double steady = steadyRate(arrivals, counted, seconds);
    Run r = new Run(trial.name(), seen, seconds, steady);
    log("%-44s %6d records in %6.1f s: %7.0f/s overall, %7.0f/s steady", trial.name(), seen, seconds, r.perSecond(),
        steady);
    return r;
  }

  /**
   * JFR (Java frames; only the two samplers, since JFR's I/O events re-instrument JDK classes and
   * send the JIT compiler back to work) and perf (native frames), over one window of a run.
   */
  private final class Profiler {
    private final Path jfr;
    private Recording recording;
    private Optional<PerfProfile> perf = Optional.empty();
    private boolean done;

    Profiler(Path jfr) throws IOException {
      this.jfr = jfr;
      Files.deleteIfExists(jfr);
      nativeProfile = null;
    }

    void during(boolean on) throws IOException, InterruptedException {
      if (on && recording == null && !done) {
        recording = new Recording();
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(20));
        recording.start();
        perf = PerfProfile.start(jfr.resolveSibling("detector.perf.data"));
      } else if (!on && recording != null) {
        done = true;
        if (perf.isPresent()) {
          perf.get().close();
          nativeProfile = perf.get().summarize(15);
        }
        recording.stop();
        recording.dump(jfr);
        recording.close();
        recording = null;
      }
    }
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

  /**
   * One latency run: event-to-score latency as the detector stamps it (scored_time − event_time),
   * and as a {@code read_committed} consumer sees it (arrival − event_time, which adds the wait for
   * the transaction to commit), with the stop-the-world GC pauses of this JVM in the same window.
   */
  record Latency(int commitMs, double max, double load, Histogram scored, Histogram visible, GcPauses.Summary gc) {}

  /** Event-to-score latency at {@code rate} images/s. */
  private Latency latency(Path model, int commitMs, double max, double frac, ImageDataset test) throws Exception {
    double rate = frac * max;
    String input = "bench-lat-" + UUID.randomUUID().toString().substring(0, 8);
    String output = input + "-out";
    kafka.createTopics(partitions, input, output, output + "-anomalies", output + "-dlq");
    int count = (int) Math.max(1, rate * (latencySeconds + latencyWarmupSeconds));
    // Milliseconds, 3 significant digits; the range grows as needed.
    Histogram scored = new Histogram(3);
    Histogram visible = new Histogram(3);
    int received = 0;
    Deserializer<AnomalyScore> scores = AvroSerdes.anomalyScore().deserializer();
    GcPauses.Summary gc;
    try (Detector d = Detector.start(new DetectorConfig(config("bench-" + input, input, output, model, batch, threads, true, commitMs)),
            onnx(model));
        KafkaConsumer<byte[], byte[]> c = ScoreConsumers.open(kafka.bootstrapServers(), output, true, "bench")) {
      long ready = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (d.streams().state() != KafkaStreams.State.RUNNING && System.nanoTime() < ready) {
        c.poll(Duration.ofMillis(100));
      }
      Thread sender = new Thread(() -> sender(input)
          .send(test, count, "l", null, rate, n -> { }));
      long warmEnd = System.currentTimeMillis() + latencyWarmupSeconds * 1000L;
      sender.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(latencySeconds + latencyWarmupSeconds + 60L).toNanos();
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
    Latency l = new Latency(commitMs, max, frac, scored, visible, gc);
    log("latency, commit %d ms, at %2.0f%% load (%.0f/s): scored p50 %d p99 %d ms, visible p50 %d p99 %d max %d ms over %d scores; %s",
        commitMs, frac * 100, rate, scored.getValueAtPercentile(50), scored.getValueAtPercentile(99),
        visible.getValueAtPercentile(50), visible.getValueAtPercentile(99), visible.getMaxValue(),
        visible.getTotalCount(), gc);
    return l;
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
