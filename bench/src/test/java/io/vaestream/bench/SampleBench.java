package io.vaestream.bench;

import io.vaestream.bench.BenchResults.BatchRow;
import io.vaestream.bench.BenchResults.Core;
import io.vaestream.bench.BenchResults.LatencyRow;
import io.vaestream.bench.BenchResults.Memory;
import io.vaestream.bench.BenchResults.ModelRow;
import io.vaestream.bench.BenchResults.Repeated;
import io.vaestream.bench.BenchResults.Run;
import io.vaestream.bench.BenchResults.ScalingRow;
import io.vaestream.bench.BenchResults.Shadow;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;

/**
 * Hand-made results of {@code bench}, shaped by the options as {@link BenchRunner} shapes them
 * (rounds, run names, one row per model, layout and batch size), with figures that exercise every
 * rounding in the report. Nothing here measures anything.
 *
 * @param latency the histograms behind each latency row: scored, then visible
 */
record SampleBench(BenchOptions options, BenchResults results, List<Histogram[]> latency) {
  static final Machine MACHINE = new Machine(2, "amd64", "17.0.15");

  /** Every section, three rounds, the options a user may add to the defaults. */
  static SampleBench everySection() {
    return of(
        "--sections",
        "core,models,scaling,batch,shadow",
        "--set",
        "batch.store=memory",
        "--schema-registry",
        "http://localhost:8081",
        "--commit-interval-ms",
        "50",
        "--localization",
        "false");
  }

  /** The options of the smoke test: one round of each, the default sections, no profile. */
  private static final List<String> SMOKE = List.of(
      "--records",
      "400",
      "--repeat",
      "1",
      "--latency-seconds",
      "1",
      "--latency-commit-intervals",
      "100",
      "--compare-models",
      "mlp-28,mlp-28-int8",
      "--scaling-partitions",
      "2",
      "--scaling-threads",
      "1",
      "--scaling-instances",
      "1,2",
      "--batch-sizes",
      "1,64");

  /** Results shaped by the smoke test's options. */
  static SampleBench smoke() {
    return of(SMOKE.toArray(String[]::new));
  }

  /** The smoke test's options ({@link BenchSmokeIT}), then {@code more}. */
  static BenchOptions smokeOptions(String... more) {
    List<String> args = new ArrayList<>(SMOKE);
    args.addAll(List.of(more));
    return options(args.toArray(String[]::new));
  }

  static BenchOptions options(String... args) {
    return CommandLine.populateCommand(new BenchOptions(), args);
  }

  private static SampleBench of(String... args) {
    BenchOptions o = options(args);
    List<Histogram[]> histograms = new ArrayList<>();
    Core core = o.runs(BenchOptions.Section.core) ? core(o, histograms) : null;
    List<BatchRow> batch = o.runs(BenchOptions.Section.batch)
        ? o.batchSizes.stream()
            .map(b -> new BatchRow(
                b,
                1234.567 * b / (1 + b / 64.0),
                run("detector, batch " + b, o.records, 250.5 * b)))
            .toList()
        : null;
    Shadow shadow = o.runs(BenchOptions.Section.shadow)
        ? new Shadow(
            rounds(o, "detector", 3100), rounds(o, "detector + shadow model", 2900), coverage(o))
        : null;
    List<ModelRow> models = o.runs(BenchOptions.Section.models) ? models(o) : null;
    List<ScalingRow> scaling = o.runs(BenchOptions.Section.scaling) ? scaling(o) : null;
    String coreModel = BenchModel.named(o.modelName).describe();
    return new SampleBench(
        o, new BenchResults(MACHINE, coreModel, core, batch, shadow, models, scaling), histograms);
  }

  private static Core core(BenchOptions o, List<Histogram[]> histograms) {
    List<LatencyRow> latency = new ArrayList<>();
    for (int commitMs : o.latencyCommitIntervals) {
      for (double frac : new double[] {0.25, 0.5, 0.9}) {
        Histogram scored = histogram(3 + (int) (10 * frac), 500);
        Histogram visible = histogram(commitMs / 2 + (int) (20 * frac), 500);
        histograms.add(new Histogram[] {scored, visible});
        latency.add(new LatencyRow(
            commitMs,
            3456.78,
            frac,
            Quantiles.of(scored),
            Quantiles.of(visible),
            new GcPauses.Summary(7, 12.6)));
      }
    }
    boolean profiled = o.repeat > 1;
    return new Core(
        0.8765,
        rounds(o, "(a) ceiling", 5200),
        rounds(o, "(b) detector", 3900),
        rounds(o, "(b') detector, not pipelined", 2700),
        rounds(o, "(c) per-record", 510),
        4321.5,
        987.6,
        55.55,
        BenchModel.named(o.modelName).flopsPerImage(),
        latency,
        new Memory(234_567_890L, "1234567 kB"),
        profiled ? "| thread | share of CPU samples |\n|---|---|\n| inference | 42.0% |\n" : null,
        profiled
            ? "1234 samples of running threads (Java and native), idle waits left out.\n"
            : null);
  }

  /** {@code repeat} rounds named as the runner names them, each a little faster than the last. */
  private static Repeated rounds(BenchOptions o, String name, double steady) {
    List<Run> runs = new ArrayList<>();
    for (int i = 1; i <= o.repeat; i++) {
      String round = o.repeat > 1 ? ", round " + i + "/" + o.repeat : "";
      runs.add(run(name + round, o.records, steady * (1 + 0.0371 * ((i * 7 + name.length()) % 3))));
    }
    return new Repeated(runs);
  }

  private static Run run(String name, int records, double steady) {
    return new Run(name, records, records / (steady * 0.83), steady);
  }

  private static List<Double> coverage(BenchOptions o) {
    List<Double> c = new ArrayList<>();
    for (int i = 0; i < o.repeat; i++) {
      c.add(0.41 + 0.07 * i);
    }
    return c;
  }

  private static List<ModelRow> models(BenchOptions o) {
    List<ModelRow> rows = new ArrayList<>();
    int k = 1;
    for (String name : o.compareModels) {
      BenchModel m = BenchModel.named(name);
      int n = Math.max(2000, (int) ((long) o.records * 784 / m.contract().size()));
      rows.add(new ModelRow(
          name,
          m.flopsPerImage(),
          900 + 37 * k,
          n,
          run(name + " (a) ceiling", n, 5000.0 / k),
          run(name + " (b) detector", n, 3300.0 / k),
          run(name + " (c) per-record", n, 480.0 / k),
          9000.4 / k,
          1500.6 / k));
      k++;
    }
    return rows;
  }

  private static List<ScalingRow> scaling(BenchOptions o) {
    List<ScalingRow> rows = new ArrayList<>();
    for (int p : o.scalingPartitions) {
      for (int i : o.scalingInstances) {
        for (int t : o.scalingThreads) {
          rows.add(new ScalingRow(
              p,
              t,
              i,
              run(
                  p + " partition(s), " + t + " thread(s), " + i + " instance(s)",
                  o.records,
                  3000 + 411.3 * p * t * i)));
        }
      }
    }
    return rows;
  }

  /** {@code n} latencies in ms from {@code low} up, with a long tail. */
  private static Histogram histogram(int low, int n) {
    Histogram h = new Histogram(3);
    for (int i = 0; i < n; i++) {
      h.recordValue(low + i % 17 + (i % 50 == 0 ? 40 : 0));
    }
    return h;
  }
}
