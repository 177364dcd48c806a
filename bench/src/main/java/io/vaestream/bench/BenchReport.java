package io.vaestream.bench;

import io.vaestream.bench.BenchOptions.Section;
import io.vaestream.bench.BenchResults.BatchRow;
import io.vaestream.bench.BenchResults.Core;
import io.vaestream.bench.BenchResults.LatencyRow;
import io.vaestream.bench.BenchResults.ModelRow;
import io.vaestream.bench.BenchResults.Repeated;
import io.vaestream.bench.BenchResults.ScalingRow;
import io.vaestream.bench.BenchResults.Shadow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Renders {@link BenchResults} as the Markdown report of {@code bench} (docs/benchmarks.md is one):
 * the command that reproduces it, then core, batch, shadow, models and scaling, each present only
 * when its section ran. Every word of the report's prose lives here; the figures come from the
 * results as measured, and are rounded only here.
 */
record BenchReport(BenchOptions options, BenchResults results) {
  /** Writes the report to the options' {@code --out}, creating its folder; returns the file. */
  Path write() throws IOException {
    Files.createDirectories(options.out.toAbsolutePath().getParent());
    return Files.writeString(options.out, markdown());
  }

  String markdown() {
    StringBuilder md = new StringBuilder(header());
    if (results.core() != null) {
      md.append(core(results.core()));
    }
    if (results.batch() != null) {
      md.append(batch(results.batch()));
    }
    if (results.shadow() != null) {
      md.append(shadow(results.shadow()));
    }
    if (results.models() != null) {
      md.append(models(results.models()));
    }
    if (results.scaling() != null) {
      md.append(scaling(results.scaling()));
    }
    return md.append("\nAnalysis of these figures, the targets and what would close the gaps: "
            + "[benchmarks-notes.md](benchmarks-notes.md).\n")
        .toString();
  }

  /** The command line that reproduces these results, every option that matters spelled out. */
  String command() {
    StringBuilder cmd = new StringBuilder("./vaestream bench --records " + options.records
        + " --repeat "
        + options.repeat + " --latency-seconds " + options.latencySeconds
        + " --latency-warmup-seconds "
        + options.latencyWarmupSeconds + " --latency-commit-intervals "
        + join(options.latencyCommitIntervals)
        + " --partitions " + options.partitions + " --threads " + options.threads + " --batch "
        + options.batch
        + " --guarantee " + options.guarantee
        + (options.commitIntervalMs == null
            ? ""
            : " --commit-interval-ms " + options.commitIntervalMs)
        + (options.localization ? "" : " --localization false") + " --model " + options.modelName
        + " --sections "
        + String.join(",", options.sections.stream().map(Enum::name).toList()));
    if (options.runs(Section.models)) {
      cmd.append(" --compare-models ").append(String.join(",", options.compareModels));
    }
    if (options.runs(Section.scaling)) {
      cmd.append(" --scaling-partitions ")
          .append(join(options.scalingPartitions))
          .append(" --scaling-threads ")
          .append(join(options.scalingThreads))
          .append(" --scaling-instances ")
          .append(join(options.scalingInstances));
    }
    if (options.runs(Section.batch)) {
      cmd.append(" --batch-sizes ").append(join(options.batchSizes));
    }
    options.settings.forEach(
        (k, v) -> cmd.append(" --set ").append(k).append('=').append(v));
    if (options.schemaRegistry != null) {
      cmd.append(" --schema-registry ").append(options.schemaRegistry);
    }
    return cmd.append(" --out ").append(options.out).toString();
  }

  private String header() {
    return "# Benchmarks\n\nReproduce with:\n\n```\n" + command() + "\n```\n\n"
        + String.format(
            Locale.ROOT,
            "Machine: %d cores, %s, Java %s. Broker, producer, detector(s) and consumer "
                + "all run in this one JVM on this machine. Records are Fashion-MNIST test images sent as Avro "
                + "ImageEvents (8-bit grey"
                + (options.schemaRegistry == null
                    ? ""
                    : ", in the Confluent wire format through a schema registry")
                + "), read back with `read_committed`; `%s`, commit.interval.ms %s. Core model: %s. Before the first "
                + "measurement the JVM is warmed up with two unreported runs each of the ceiling and the detector.%n%n",
            results.machine().cores(),
            results.machine().arch(),
            results.machine().javaVersion(),
            options.guarantee,
            options.commitIntervalMs == null ? "100" : options.commitIntervalMs,
            results.coreModel());
  }

  private String core(Core c) {
    double scorerGflops = c.scorerBatched() * c.flopsPerImage() / 1e9;
    StringBuilder md = new StringBuilder("## Throughput\n\n");
    md.append(String.format(
        Locale.ROOT,
        "%d records preloaded into %d partition(s); %d stream thread(s); %d "
            + "interleaved round(s) of (a), (b), (b'), (c): the median, and the range over the rounds. The model flags "
            + "%.0f%% of these images (most of Fashion-MNIST is not its normal class); the ceiling's scorer does no "
            + "inference but flags the same images (their verdicts are looked up by a hash of the pixels), so every "
            + "run writes the same records to the scores and anomalies topics.%n%n",
        options.records,
        options.partitions,
        options.threads,
        options.repeat,
        100 * c.flaggedShare()));
    md.append(
        "| run | records/s (overall) | records/s (steady) | steady, range |\n|---|---|---|---|\n");
    String[] names = {
      "(a) ceiling: same graph and serdes, no inference",
      "(b) detector: batches of " + options.batch + ", pipelined inference",
      "(b') detector: batches of " + options.batch + ", inference on the stream thread",
      "(c) per-record baseline: one synchronous inference call per record"
    };
    List<Repeated> runs = List.of(c.ceiling(), c.detector(), c.notPipelined(), c.perRecord());
    for (int i = 0; i < names.length; i++) {
      Repeated run = runs.get(i);
      md.append(String.format(
          Locale.ROOT,
          "| %s | %.0f | %.0f | %.0f–%.0f |%n",
          names[i],
          run.overall(),
          run.steady(),
          run.min(),
          run.max()));
    }
    md.append(String.format(
        Locale.ROOT,
        "| (d) scorer alone, batch %d, no Kafka | %.0f | | |%n",
        options.batch,
        c.scorerBatched()));
    md.append(String.format(
        Locale.ROOT, "| (d) scorer alone, batch 1, no Kafka | %.0f | | |%n", c.scorerSingle()));
    md.append(String.format(
        Locale.ROOT,
        "%n(e) Compute ceiling: %.1f GFLOP/s, the best float32 GEMM through "
            + "ND4J/OpenBLAS (the first layer's shape at batch 256, and 1024 cubed); "
            + "the batched scorer does %.2f MFLOP "
            + "per image, %.1f GFLOP/s. ONNX Runtime's own kernels (MLAS) can beat this OpenBLAS figure, so a ratio "
            + "above 1 means the measured ceiling is not the machine's peak.%n%n",
        c.gemmGflops(),
        c.flopsPerImage() / 1e6,
        scorerGflops));
    md.append(
        "Overall = records / time from start (including start-up and the first rebalance); steady = between "
            + "the arrival of the 10th and the 90th percentile score, which leaves out start-up and the "
            + "last commit.\n\n");
    md.append("## Ratios\n\n| ratio | value | target |\n|---|---|---|\n");
    md.append(
        "| detector / ceiling (steady) | " + ratio(c.detector(), c.ceiling()) + " | >= 0.7 |\n");
    md.append(
        "| detector / per-record (steady) | " + ratio(c.detector(), c.perRecord()) + " | >= 5 |\n");
    md.append("| pipelined / not pipelined (steady) | " + ratio(c.detector(), c.notPipelined())
        + " | |\n");
    md.append(String.format(
        Locale.ROOT, "| scorer / compute ceiling | %.2f | |%n%n", scorerGflops / c.gemmGflops()));
    md.append(latency(c.latency()));
    md.append("\n## Memory\n\n");
    if (c.memory() != null) {
      md.append(String.format(
          Locale.ROOT,
          "- heap in use after the profiled detector run: %.0f MB%n",
          c.memory().heapUsedBytes() / 1e6));
      md.append("- resident set after the profiled detector run: ")
          .append(
              c.memory().residentSet() == null
                  ? "unknown"
                  : c.memory().residentSet()
                      + " (whole JVM: broker, producer, consumer and detector)")
          .append("\n");
    }
    md.append(
        "- A detector alone in its own JVM, over 30 minutes: [soak.md](soak.md) (`./vaestream soak`).\n");
    return md.append(profiles(c)).toString();
  }

  private String latency(List<LatencyRow> rows) {
    StringBuilder md =
        new StringBuilder("## Latency\n\nEvent-to-score latency while a producer in this JVM holds "
            + "a fixed rate: 25, 50 and 90% of the maximum load, which is the detector's steady rate while that "
            + "producer sends as fast as it can (a preloaded backlog drains faster, because then the producer is not "
            + "sharing the two cores). The event time is set when the producer sends. *Scored* = the detector's "
            + "scored_time − event_time; *visible* = the moment a `read_committed` consumer receives the score − "
            + "event_time, which adds the wait for the detector's transaction to commit: on average half of "
            + "commit.interval.ms, at most all of it. Events sent in the first "
            + options.latencyWarmupSeconds + " s of "
            + "each run (start-up, first transactions) are left out. GC = this JVM's stop-the-world pauses in the same "
            + "window (broker, producer, consumer and detector share the JVM).\n\n"
            + "| commit.interval.ms | load | rate (images/s) | scored p50 (ms) | scored p99 (ms) | visible p50 (ms) "
            + "| visible p99 (ms) | visible max (ms) | scores | GC pauses | longest pause (ms) |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (LatencyRow l : rows) {
      md.append(String.format(
          Locale.ROOT,
          "| %d | %.0f%% of %.0f | %.0f | %d | %d | %d | %d | %d | %d | %d | " + "%.0f |%n",
          l.commitMs(),
          l.load() * 100,
          l.maxRate(),
          l.rate(),
          l.scored().p50(),
          l.scored().p99(),
          l.visible().p50(),
          l.visible().p99(),
          l.visible().max(),
          l.visible().count(),
          l.gc().pauses(),
          l.gc().longestMs()));
    }
    return md.toString();
  }

  private static String profiles(Core c) {
    StringBuilder md =
        new StringBuilder("\n## Where the time goes\n\nOne more detector run, profiled (its "
            + "throughput is not reported).\n\n");
    md.append(
        "### All code, native included (Linux perf, kept in runs/bench/detector.perf.data)\n\n");
    if (c.nativeProfile() == null) {
      md.append(
          "Not profiled: `perf` is not installed (Debian: `apt-get install linux-perf`; the log says so), or "
              + "the run was too short to have a steady window.\n\n");
    } else {
      md.append(
              "CPU samples of every thread of this JVM (broker, detector, consumer), 997 per second per busy "
                  + "thread. ONNX Runtime runs its kernels on the calling stream thread (`inference.threads` 1).\n\n")
          .append(c.nativeProfile())
          .append("\n");
    }
    md.append("### Java code (JFR, kept in runs/bench/detector.jfr)\n\n")
        .append(
            c.javaProfile() != null
                ? c.javaProfile()
                : "Not profiled: the run was too short to have a steady window.\n")
        .append("\n");
    md.append(
        "## GPU\n\nNot measured: no GPU was lent to this machine. `./vaestream jmh -jvmArgsAppend "
            + "-Dvaestream.device=cuda` on a GPU build (`-Pgpu`) measures the scorer there.\n\n");
    return md.toString();
  }

  private String models(List<ModelRow> rows) {
    StringBuilder md = new StringBuilder("## Cost against model and image size\n\n");
    md.append(String.format(
        Locale.ROOT,
        "Each model was trained for these runs on Fashion-MNIST class %d (resized "
            + "for 64x64 and 128x128; mlp-28-int8 is the demo model's checkpoint exported with `--quantize int8`, same "
            + "FLOPs in integer arithmetic) and measured like the core section: (a) ceiling, (b) detector with batches "
            + "of %d, (c) one inference call per record, (d) the scorer alone. "
            + "Records per run shrink with the image so "
            + "that each run moves about the same bytes. Steady records/s.%n%n",
        BenchModel.NORMAL_CLASS,
        options.batch));
    md.append(
        "| model | MFLOP/image | record bytes | records | (a) ceiling | (b) detector | (c) per-record "
            + "| (d) scorer, batch " + options.batch
            + " | (d) scorer, batch 1 | detector / ceiling "
            + "| detector / per-record | inference share of (b) |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (ModelRow m : rows) {
      double det = m.detector().steadyPerSecond();
      md.append(String.format(
          Locale.ROOT,
          "| %s | %.1f | %d | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f | %.2f "
              + "| %.0f%% |%n",
          m.model(),
          m.flopsPerImage() / 1e6,
          m.recordBytes(),
          m.records(),
          m.ceiling().steadyPerSecond(),
          det,
          m.perRecord().steadyPerSecond(),
          m.scorerBatched(),
          m.scorerSingle(),
          det / m.ceiling().steadyPerSecond(),
          det / m.perRecord().steadyPerSecond(),
          100 * Math.min(1, det / m.scorerBatched())));
    }
    md.append(
        "\nInference share of (b) = the detector's rate divided by the batched scorer's: the part of each "
            + "record's time spent in ONNX Runtime.\n\n");
    return md.toString();
  }

  private String scaling(List<ScalingRow> rows) {
    double base = rows.get(0).run().steadyPerSecond();
    StringBuilder md = new StringBuilder("## Scaling: partitions × stream threads × instances\n\n");
    md.append(String.format(
        Locale.ROOT,
        "%s, %d records per run; instances are separate KafkaStreams "
            + "applications of one group in this JVM, each with its own scorer. Stream tasks = partitions, so "
            + "threads × instances beyond the partition count stay idle.%n%n",
        results.coreModel(),
        options.records));
    md.append(
        "| partitions | threads per instance | instances | records/s (steady) | records/s (overall) "
            + "| vs first row |\n|---|---|---|---|---|---|\n");
    for (ScalingRow s : rows) {
      md.append(String.format(
          Locale.ROOT,
          "| %d | %d | %d | %.0f | %.0f | %.2f |%n",
          s.partitions(),
          s.threads(),
          s.instances(),
          s.run().steadyPerSecond(),
          s.run().perSecond(),
          s.run().steadyPerSecond() / base));
    }
    return md.append('\n').toString();
  }

  private String batch(List<BatchRow> rows) {
    StringBuilder md = new StringBuilder("## Batch size\n\n");
    md.append(String.format(
        Locale.ROOT,
        "%s. The scorer alone (no Kafka) and the whole detector "
            + "(`batch.max.size`, %d records preloaded) at each batch size.%n%n",
        results.coreModel(),
        options.records));
    md.append(
        "| batch | scorer images/s | scorer µs/image | detector records/s (steady) |\n|---|---|---|---|\n");
    for (BatchRow b : rows) {
      md.append(String.format(
          Locale.ROOT,
          "| %d | %.0f | %.1f | %.0f |%n",
          b.batch(),
          b.scorerPerSecond(),
          1e6 / b.scorerPerSecond(),
          b.detector().steadyPerSecond()));
    }
    return md.append('\n').toString();
  }

  private String shadow(Shadow s) {
    StringBuilder md = new StringBuilder("## Shadow scoring\n\n");
    md.append(String.format(
        Locale.ROOT,
        "%s, batches of %d, %d records preloaded, %d interleaved round(s). The "
            + "shadow model is the live model published again with `--mode shadow`, so it costs as much as the live "
            + "one; its time budget (shadow.time.budget, default 0.5) lets it spend at most half the live model's "
            + "inference time, and a batch that comes while it is busy is skipped.%n%n",
        results.coreModel(),
        options.batch,
        options.records,
        options.repeat));
    md.append("| run | records/s (steady) | steady, range |\n|---|---|---|\n");
    String[] names = {
      "detector, no shadow model", "detector with a shadow model (shadow.time.budget 0.5)"
    };
    List<Repeated> runs = List.of(s.alone(), s.shadowed());
    for (int i = 0; i < names.length; i++) {
      Repeated run = runs.get(i);
      md.append(String.format(
          Locale.ROOT,
          "| %s | %.0f | %.0f–%.0f |%n",
          names[i],
          run.steady(),
          run.min(),
          run.max()));
    }
    md.append(String.format(
        Locale.ROOT,
        "%nLive throughput with a shadow model / without: **%s**. Share of the "
            + "images the shadow model scored: %.0f%% (median over rounds; the rest were over its budget or came while "
            + "it was busy).%n%n",
        ratio(s.shadowed(), s.alone()),
        100 * s.medianCoverage()));
    return md.toString();
  }

  /** The median and range of a ratio taken within each round of runs. */
  private static String ratio(Repeated num, Repeated den) {
    double[] ratios = num.ratiosTo(den);
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    return ratios.length == 1
        ? String.format(Locale.ROOT, "%.2f", ratios[0])
        : String.format(
            Locale.ROOT,
            "%.2f (%.2f–%.2f)",
            BenchResults.median(ratios),
            sorted[0],
            sorted[ratios.length - 1]);
  }

  private static String join(List<Integer> v) {
    return String.join(",", v.stream().map(String::valueOf).toList());
  }
}
