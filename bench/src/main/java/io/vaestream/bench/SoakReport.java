package io.vaestream.bench;

import io.vaestream.bench.SoakResults.Sample;
import io.vaestream.trainer.score.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders {@link SoakResults} as the Markdown report of {@code soak} (docs/soak.md is one), with
 * the verdict first and the samples minute by minute, and every sample as CSV beside it. Growth
 * is judged after the steady phase's first fifth, which warms up (JIT, heap sizing, first
 * segments).
 */
record SoakReport(SoakOptions options, SoakResults results) {
  /** The CSV's name, next to the report, which links to it. */
  static final String CSV = "soak-samples.csv";

  /** Writes the report to {@code --out} and the CSV next to it, creating their folder; returns the report. */
  Path write() throws IOException {
    Files.createDirectories(options.dir());
    Files.writeString(options.dir().resolve(CSV), csv());
    return Files.writeString(options.out, markdown());
  }

  /** Every sample, one row each; memory in bytes, latency in ms. */
  String csv() {
    StringBuilder sb =
        new StringBuilder("seconds,phase,sent,scored,heap_used,heap_committed,non_heap,direct,rss,"
            + "outside_heap,onnx_open,onnx_allocated,p50_ms,p99_ms\n");
    for (Sample s : results.samples()) {
      sb.append(String.format(
          Locale.ROOT, "%.1f,%s,%d,%d,", s.seconds(), s.phase(), s.sent(), s.scored()));
      for (double reading : s.readings()) {
        sb.append(String.format(Locale.ROOT, "%.0f,", reading));
      }
      sb.append(String.format(Locale.ROOT, "%.1f,%.1f%n", s.p50(), s.p99()));
    }
    return sb.toString();
  }

  String markdown() {
    StringBuilder md = new StringBuilder("# Soak\n\n");
    md.append("Reproduce with:\n\n```\n./vaestream soak --minutes ")
        .append(fmt(options.minutes))
        .append(
            options.rate == null ? " --load " + fmt(options.load) : " --rate " + fmt(options.rate))
        .append(" --calibration-records ")
        .append(options.calibrationRecords)
        .append(" --sample-seconds ")
        .append(options.sampleSeconds)
        .append(" --partitions ")
        .append(options.partitions)
        .append(" --guarantee ")
        .append(options.guarantee)
        .append(" --detector-heap ")
        .append(options.detectorHeap)
        .append(" --out ")
        .append(options.out)
        .append("\n```\n\n");
    md.append(String.format(
        Locale.ROOT,
        "Machine: %d cores, Java %s. The detector runs alone in its own JVM "
            + "(`-Xmx%s`, `%s`, %d partition(s), the demo MLP); the embedded broker, the producer and this reader "
            + "share the machine with it. Maximum load, measured on a backlog of %d records: **%.0f images/s**. "
            + "Steady phase: **%.0f images/s** for %s min. Every sample: [%s](%s).%n%n",
        results.machine().cores(),
        results.machine().javaVersion(),
        options.detectorHeap,
        options.guarantee,
        options.partitions,
        options.calibrationRecords,
        results.maxRate(),
        results.steadyRate(),
        fmt(options.minutes),
        CSV,
        CSV));
    return md.append(verdict()).append(overTime()).toString();
  }

  private String verdict() {
    List<Sample> steady =
        results.samples().stream().filter(s -> !s.phase().equals("max load")).toList();
    int warm = Math.max(1, steady.size() / 5);
    List<Sample> judged = steady.size() > warm + 2 ? steady.subList(warm, steady.size()) : steady;
    StringBuilder md = new StringBuilder("## Verdict\n\n| check | result |\n|---|---|\n");
    md.append(String.format(
        Locale.ROOT,
        "| every input record has a committed score | %s: %d of %d, %d missing |%n",
        results.lost() == 0 ? "**yes**" : "**no**",
        results.expected() - results.lost(),
        results.expected(),
        results.lost()));
    md.append(
        String.format(Locale.ROOT, "| duplicate committed scores | %d |%n", results.duplicates()));
    double[] t = judged.stream().mapToDouble(Sample::seconds).toArray();
    double[][] floors = floorsPerMinute(judged);
    md.append(
        growthRow("heap after collection (lowest used heap per minute)", floors[0], floors[1]));
    md.append(growthRow(
        "resident set (RSS)", t, judged.stream().mapToDouble(Sample::rss).toArray()));
    md.append(growthRow(
        "outside the heap (RSS − committed heap)",
        t,
        judged.stream().mapToDouble(Sample::outsideHeap).toArray()));
    double maxOpen = steady.stream().mapToDouble(Sample::onnxOpen).max().orElse(Double.NaN);
    Sample last = results.samples().get(results.samples().size() - 1);
    md.append(String.format(
        Locale.ROOT,
        "| ONNX Runtime tensors and results open | at most %.0f at any sample "
            + "(one input tensor and one result while a batch runs; 0 between batches); %.0f created and closed "
            + "in all |%n",
        maxOpen,
        last.onnxAllocated()));
    if (results.latency().count() > 0) {
      md.append(String.format(
          Locale.ROOT,
          "| event-to-score latency, steady phase | p50 %d ms, p99 %d ms, "
              + "max %d ms over %d scores |%n",
          results.latency().p50(),
          results.latency().p99(),
          results.latency().max(),
          results.latency().count()));
    }
    md.append(String.format(
        Locale.ROOT,
        "| detector exit on SIGTERM | %d%s |%n%n",
        results.exit(),
        results.exit() == 143 || results.exit() == 0
            ? " (graceful: Streams closed and committed)"
            : ""));
    md.append(
        "Growth compares the mean of the last fifth of the judged samples with the mean of the first fifth; "
            + "the slope is a least-squares fit over all of them. The first fifth of the steady phase is left out as "
            + "warm-up.\n\n");
    return md.toString();
  }

  private String overTime() {
    StringBuilder md =
        new StringBuilder("## Over time\n\nOne row per minute (the last sample of the minute; heap "
            + "floor = the lowest used heap in it). MB = 10^6 bytes.\n\n"
            + "| minute | phase | scored | heap floor | heap used | heap committed | outside heap | RSS | direct | "
            + "ONNX open | p99 ms |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    Map<Integer, List<Sample>> byMinute = new TreeMap<>();
    for (Sample s : results.samples()) {
      byMinute.computeIfAbsent((int) (s.seconds() / 60), k -> new ArrayList<>()).add(s);
    }
    byMinute.forEach((minute, list) -> {
      Sample s = list.get(list.size() - 1);
      double floor = list.stream().mapToDouble(Sample::heapUsed).min().orElse(Double.NaN);
      double p99 = list.stream()
          .mapToDouble(Sample::p99)
          .filter(v -> !Double.isNaN(v))
          .max()
          .orElse(Double.NaN);
      md.append(String.format(
          Locale.ROOT,
          "| %d | %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %.0f | %s |%n",
          minute,
          s.phase(),
          s.scored(),
          floor / 1e6,
          s.heapUsed() / 1e6,
          s.heapCommitted() / 1e6,
          s.outsideHeap() / 1e6,
          s.rss() / 1e6,
          s.direct() / 1e6,
          s.onnxOpen(),
          Double.isNaN(p99) ? "" : String.format(Locale.ROOT, "%.0f", p99)));
    });
    return md.toString();
  }

  /** Minute starts (seconds) and the lowest used heap in each minute: the heap after its collections. */
  private static double[][] floorsPerMinute(List<Sample> samples) {
    Map<Integer, Double> floors = new TreeMap<>();
    for (Sample s : samples) {
      floors.merge((int) (s.seconds() / 60), s.heapUsed(), Math::min);
    }
    return new double[][] {
      floors.keySet().stream().mapToDouble(m -> m * 60.0).toArray(),
      floors.values().stream().mapToDouble(Double::doubleValue).toArray()
    };
  }

  private static String growthRow(String what, double[] seconds, double[] v) {
    if (v.length < 2) {
      return "| " + what + " | too few samples |\n";
    }
    int k = Math.max(1, v.length / 5);
    double first = Metrics.mean(Arrays.copyOfRange(v, 0, k));
    double lastMean = Metrics.mean(Arrays.copyOfRange(v, v.length - k, v.length));
    return String.format(
        Locale.ROOT,
        "| %s | %.0f MB → %.0f MB (%+.1f %%); fitted slope %+.1f MB per hour |%n",
        what,
        first / 1e6,
        lastMean / 1e6,
        100 * (lastMean - first) / first,
        slope(seconds, v) * 3600 / 1e6);
  }

  /** Least-squares slope of {@code y} against {@code x}. */
  static double slope(double[] x, double[] y) {
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
}
