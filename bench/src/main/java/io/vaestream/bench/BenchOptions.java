package io.vaestream.bench;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The options of {@code bench}, in one typed class: {@link BenchCommand} mixes them in, {@link
 * BenchRunner} measures by them and {@link BenchReport} prints them as the command that reproduces
 * the report. Tests fill one with {@code CommandLine.populateCommand}, from the same arguments a
 * user would type.
 */
final class BenchOptions {
  /** The report's sections; the declaration order is the order {@code --sections} is echoed in. */
  enum Section {
    core,
    models,
    scaling,
    batch,
    shadow
  }

  @Option(
      names = "--records",
      defaultValue = "20000",
      description = "Records per throughput run (default: ${DEFAULT-VALUE}).")
  int records;

  @Option(
      names = "--repeat",
      defaultValue = "3",
      description =
          "Interleaved rounds of the core throughput runs; the report gives medians and ranges "
              + "(default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(
      names = "--latency-seconds",
      defaultValue = "15",
      description = "Length of each latency run (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(
      names = "--latency-warmup-seconds",
      defaultValue = "5",
      description = "Scores of events sent in the first seconds of a latency run are left out "
          + "(default: ${DEFAULT-VALUE}).")
  int latencyWarmupSeconds;

  @Option(
      names = "--latency-commit-intervals",
      split = ",",
      defaultValue = "100,20",
      description =
          "The detector's commit.interval.ms in the latency runs: under exactly_once_v2 it bounds how "
              + "soon a score is visible (default: ${DEFAULT-VALUE}).")
  List<Integer> latencyCommitIntervals;

  @Option(
      names = "--partitions",
      defaultValue = "1",
      description = "Input partitions (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "Stream threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--guarantee",
      defaultValue = "exactly_once_v2",
      description = "Default: ${DEFAULT-VALUE}.")
  String guarantee;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "The detector's batch.max.size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--localization",
      defaultValue = "true",
      arity = "1",
      description =
          "The detector's localization: maps and boxes on flagged events (default: ${DEFAULT-VALUE}).")
  boolean localization;

  @Option(
      names = "--flagged-share",
      paramLabel = "SHARE",
      description =
          "Send only the test images a model does not flag, with the ones it flags mixed in evenly to this "
              + "share, for example 0.01 for a line where one item in a hundred is defective (default: every "
              + "test image; the class-7 models flag most of them, as most of Fashion-MNIST is another class).")
  Double flaggedShare;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "A detector setting for every detector the benchmark starts, for example batch.store=memory "
              + "(repeatable; applied last).")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--schema-registry",
      paramLabel = "URL",
      description =
          "Send the input in the Confluent wire format through this registry's Confluent-compatible API "
              + "(the detectors get it as schema.registry.url); default: Avro single-object encoding.")
  String schemaRegistry;

  @Option(
      names = "--commit-interval-ms",
      description = "Overrides the detector's commit.interval.ms (default: the detector's, 100).")
  Integer commitIntervalMs;

  @Option(
      names = "--model",
      defaultValue = "mlp-28",
      description =
          "The model of the core section: mlp-28 (the demo model), mlp-28-int8 (its weights in int8), "
              + "conv-28, mlp-64 or mlp-128 (default: ${DEFAULT-VALUE}).")
  String modelName;

  @Option(
      names = "--sections",
      split = ",",
      defaultValue = "core,models,scaling,batch",
      description = "Sections to run (default: ${DEFAULT-VALUE}).")
  Set<Section> sections = EnumSet.allOf(Section.class);

  @Option(
      names = "--compare-models",
      split = ",",
      defaultValue = "mlp-28,mlp-28-int8,conv-28,mlp-64,mlp-128",
      description = "Models of the models section (default: ${DEFAULT-VALUE}).")
  List<String> compareModels;

  @Option(
      names = "--scaling-partitions",
      split = ",",
      defaultValue = "1,2,4",
      description = "Default: ${DEFAULT-VALUE}.")
  List<Integer> scalingPartitions;

  @Option(
      names = "--scaling-threads",
      split = ",",
      defaultValue = "1,2",
      description = "Default: ${DEFAULT-VALUE}.")
  List<Integer> scalingThreads;

  @Option(
      names = "--scaling-instances",
      split = ",",
      defaultValue = "1,2",
      description = "Default: ${DEFAULT-VALUE}.")
  List<Integer> scalingInstances;

  @Option(
      names = "--batch-sizes",
      split = ",",
      defaultValue = "1,4,16,64,256",
      description = "Default: ${DEFAULT-VALUE}.")
  List<Integer> batchSizes;

  @Option(
      names = "--out",
      defaultValue = "runs/bench/benchmarks.md",
      description = "Report (default: ${DEFAULT-VALUE}).")
  Path out;

  boolean runs(Section s) {
    return sections.contains(s);
  }
}
