package io.vaestream.bench;

import io.vaestream.bench.BenchResults.Core;
import io.vaestream.bench.BenchResults.LatencyRow;
import java.util.List;
import java.util.Locale;

/**
 * The core section of the bench report: throughput of the ceiling, the detector and the
 * per-record baseline, their ratios, latency at a fixed rate, memory, and where the time goes
 * (profiles). Rendered by {@link BenchReport} when the core section ran.
 */
record CoreSection(BenchOptions options, Core core) {
  /** The section's Markdown, from its "## Throughput" heading to its profiles. */
  String markdown() {
    return throughput() + ratios() + latency(core.latency()) + memory() + profiles(core);
  }

  /** The throughput table of the interleaved runs, the scorer alone and the compute ceiling. */
  private String throughput() {
    StringBuilder md = BenchReport.section(
        "Throughput",
        "%d records preloaded into %d partition(s); %d stream thread(s); %d "
            + "interleaved round(s) of (a), (b), (b'), (c): the median, and the range over the rounds. The model flags "
            + "%.0f%% of these images%s; the ceiling's scorer does no "
            + "inference but flags the same images (their verdicts are looked up by a hash of the pixels), so every "
            + "run writes the same records to the scores and anomalies topics.%n%n",
        options.records,
        options.partitions,
        options.threads,
        options.repeat,
        100 * core.flaggedShare(),
        options.flaggedShare == null ? " (most of Fashion-MNIST is not its normal class)" : "");
    md.append(BenchReport.runsTable(
        true,
        List.of(
            "(a) ceiling: same graph and serdes, no inference",
            "(b) detector: batches of " + options.batch + ", pipelined inference",
            "(b') detector: batches of " + options.batch + ", inference on the stream thread",
            "(c) per-record baseline: one synchronous inference call per record"),
        List.of(core.ceiling(), core.detector(), core.notPipelined(), core.perRecord())));
    md.append(String.format(
        Locale.ROOT,
        "| (d) scorer alone, batch %d, no Kafka | %.0f | | |%n",
        options.batch,
        core.scorerBatched()));
    md.append(String.format(
        Locale.ROOT, "| (d) scorer alone, batch 1, no Kafka | %.0f | | |%n", core.scorerSingle()));
    md.append(String.format(
        Locale.ROOT,
        "%n(e) Compute ceiling: %.1f GFLOP/s, the best float32 GEMM through "
            + "ND4J/OpenBLAS (the first layer's shape at batch 256, and 1024 cubed); "
            + "the batched scorer does %.2f MFLOP "
            + "per image, %.1f GFLOP/s. ONNX Runtime's own kernels (MLAS) can beat this OpenBLAS figure, so a ratio "
            + "above 1 means the measured ceiling is not the machine's peak.%n%n",
        core.gemmGflops(),
        core.flopsPerImage() / 1e6,
        scorerGflops()));
    md.append(
        "Overall = records / time from start (including start-up and the first rebalance); steady = between "
            + "the arrival of the 10th and the 90th percentile score, which leaves out start-up and the "
            + "last commit.\n\n");
    return md.toString();
  }

  /** The detector against the ceiling, the per-record baseline and itself not pipelined. */
  private String ratios() {
    StringBuilder md =
        new StringBuilder("## Ratios\n\n| ratio | value | target |\n|---|---|---|\n");
    md.append("| detector / ceiling (steady) | "
        + BenchReport.ratio(core.detector(), core.ceiling()) + " | >= 0.7 |\n");
    md.append("| detector / per-record (steady) | "
        + BenchReport.ratio(core.detector(), core.perRecord()) + " | >= 5 |\n");
    md.append("| pipelined / not pipelined (steady) | "
        + BenchReport.ratio(core.detector(), core.notPipelined()) + " | |\n");
    md.append(String.format(
        Locale.ROOT,
        "| scorer / compute ceiling | %.2f | |%n%n",
        scorerGflops() / core.gemmGflops()));
    return md.toString();
  }

  /** What the profiled run left in use, and where the soak test is. */
  private String memory() {
    StringBuilder md = new StringBuilder("\n## Memory\n\n");
    if (core.memory() != null) {
      md.append(String.format(
          Locale.ROOT,
          "- heap in use after the profiled detector run: %.0f MB%n",
          core.memory().heapUsedBytes() / 1e6));
      md.append("- resident set after the profiled detector run: ")
          .append(
              core.memory().residentSet() == null
                  ? "unknown"
                  : core.memory().residentSet()
                      + " (whole JVM: broker, producer, consumer and detector)")
          .append("\n");
    }
    md.append(
        "- A detector alone in its own JVM, over 30 minutes: [soak.md](soak.md) (`./vaestream soak`).\n");
    return md.toString();
  }

  /** GFLOP/s of the batched scorer, from its rate and the model's FLOPs per image. */
  private double scorerGflops() {
    return core.scorerBatched() * core.flopsPerImage() / 1e9;
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
}
