package io.vaestream.bench;

import io.vaestream.bench.BenchOptions.Section;
import io.vaestream.bench.BenchResults.Repeated;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Renders {@link BenchResults} as the Markdown report of {@code bench} (docs/benchmarks.md is one):
 * the command that reproduces it, then core, batch, shadow, models and scaling, each present only
 * when its section ran. Every word of the report's prose lives here and in the sections it
 * renders, {@link CoreSection} and {@link ComparisonSections}; the figures come from the results as
 * measured, and are rounded only there.
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
      md.append(new CoreSection(options, results.core()).markdown());
    }
    ComparisonSections comparisons = new ComparisonSections(options, results);
    if (results.batch() != null) {
      md.append(comparisons.batch(results.batch()));
    }
    if (results.shadow() != null) {
      md.append(comparisons.shadow(results.shadow()));
    }
    if (results.models() != null) {
      md.append(comparisons.models(results.models()));
    }
    if (results.scaling() != null) {
      md.append(comparisons.scaling(results.scaling()));
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
        + (options.localization ? "" : " --localization false")
        + (options.flaggedShare == null ? "" : " --flagged-share " + options.flaggedShare)
        + " --model " + options.modelName
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
                + "all run in this one JVM on this machine. Records are Fashion-MNIST test images%s"
                + " sent as Avro ImageEvents (8-bit grey"
                + (options.schemaRegistry == null
                    ? ""
                    : ", in the Confluent wire format through a schema registry")
                + "), read back with `read_committed`; `%s`, commit.interval.ms %s. Core model: %s. Before the first "
                + "measurement the JVM is warmed up with two unreported runs each of the ceiling and the detector.%n%n",
            results.machine().cores(),
            results.machine().arch(),
            results.machine().javaVersion(),
            options.flaggedShare == null
                ? ""
                : String.format(
                    Locale.ROOT,
                    " (those a model does not flag, with the ones it flags mixed in evenly to %s%%: "
                        + "`--flagged-share`)",
                    100 * options.flaggedShare),
            options.guarantee,
            options.commitIntervalMs == null ? "100" : options.commitIntervalMs,
            results.coreModel());
  }

  /** A section's heading and its first paragraph, {@code intro} formatted with {@code args}. */
  static StringBuilder section(String heading, String intro, Object... args) {
    return new StringBuilder("## " + heading + "\n\n")
        .append(String.format(Locale.ROOT, intro, args));
  }

  /**
   * A table of runs repeated in rounds, one row per name: the median overall rate where {@code
   * withOverall}, then the median steady rate and its range over the rounds.
   */
  static String runsTable(boolean withOverall, List<String> names, List<Repeated> runs) {
    StringBuilder md = new StringBuilder(
        withOverall
            ? "| run | records/s (overall) | records/s (steady) | steady, range |\n|---|---|---|---|\n"
            : "| run | records/s (steady) | steady, range |\n|---|---|---|\n");
    for (int i = 0; i < names.size(); i++) {
      Repeated run = runs.get(i);
      md.append("| ").append(names.get(i));
      if (withOverall) {
        md.append(String.format(Locale.ROOT, " | %.0f", run.overall()));
      }
      md.append(String.format(
          Locale.ROOT, " | %.0f | %.0f–%.0f |%n", run.steady(), run.min(), run.max()));
    }
    return md.toString();
  }

  /** The median and range of a ratio taken within each round of runs. */
  static String ratio(Repeated num, Repeated den) {
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
