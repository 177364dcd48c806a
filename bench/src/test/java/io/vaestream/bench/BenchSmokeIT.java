package io.vaestream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vaestream.bench.BenchResults.BatchRow;
import io.vaestream.bench.BenchResults.Core;
import io.vaestream.bench.BenchResults.LatencyRow;
import io.vaestream.bench.BenchResults.ModelRow;
import io.vaestream.bench.BenchResults.Run;
import io.vaestream.bench.BenchResults.ScalingRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the benchmark working: a tiny run of {@code bench} (the real one is a command, documented
 * in docs/benchmarks.md), checked on its results; the report's wording is the business of {@link
 * BenchReportTest} and {@link GoldenReportTest}. It starts its own embedded broker, by design.
 * Needs Fashion-MNIST, which .ci/run installs.
 */
@Timeout(600)
class BenchSmokeIT {
  @TempDir
  Path dir;

  @Test
  void shouldMeasureEveryRunAndWriteTheReport() throws Exception {
    FashionMnist.assumeInstalled();
    BenchOptions options =
        SampleBench.smokeOptions("--out", dir.resolve("benchmarks.md").toString());

    BenchResults r = new BenchRunner(options).run();

    Core core = r.core();
    assertThat(core).as("core section").isNotNull();
    assertThat(runs(r)).as("every throughput run").hasSize(4 + 2 + 3 * 2 + 2).allSatisfy(run -> {
      assertThat(run.records()).as(run.name()).isPositive();
      assertThat(run.steadyPerSecond()).as(run.name()).isPositive();
    });
    assertThat(core.scorerBatched()).as("scorer alone, batched").isPositive();
    assertThat(core.scorerSingle()).as("scorer alone, batch 1").isPositive();
    assertThat(core.gemmGflops()).as("GEMM").isPositive();
    assertThat(core.latency()).as("latency runs").hasSize(3).allSatisfy(l -> {
      assertThat(l.commitMs()).isEqualTo(100);
      assertThat(l.scored().count()).as("scores at %.0f%% load", 100 * l.load()).isPositive();
      assertThat(l.visible().count()).isPositive();
    });
    assertThat(core.latency()).extracting(LatencyRow::load).containsExactly(0.25, 0.5, 0.9);
    assertThat(core.memory()).as("memory after the profiled run").isNotNull();
    assertThat(r.models()).extracting(ModelRow::model).containsExactly("mlp-28", "mlp-28-int8");
    assertThat(r.models())
        .allSatisfy(m -> assertThat(m.flopsPerImage()).isBetween(2_150_000L, 2_249_999L));
    assertThat(r.scaling())
        .extracting(ScalingRow::partitions, ScalingRow::threads, ScalingRow::instances)
        .containsExactly(tuple(2, 1, 1), tuple(2, 1, 2));
    assertThat(r.batch()).extracting(BatchRow::batch).containsExactly(1, 64);
    assertThat(r.batch()).allSatisfy(b -> assertThat(b.scorerPerSecond()).isPositive());
    assertThat(r.shadow()).as("shadow is not a default section").isNull();

    Path report = new BenchReport(options, r).write();
    assertThat(Files.readString(report))
        .contains(
            "## Throughput",
            "## Latency",
            "## Batch size",
            "## Cost against model and image size",
            "## Scaling");
  }

  /** Every throughput run of the results: core, models, scaling and batch. */
  private static List<Run> runs(BenchResults r) {
    List<Run> all = new ArrayList<>();
    Stream.of(
            r.core().ceiling(),
            r.core().detector(),
            r.core().notPipelined(),
            r.core().perRecord())
        .forEach(rep -> all.addAll(rep.runs()));
    r.batch().forEach(b -> all.add(b.detector()));
    r.models().forEach(m -> all.addAll(List.of(m.ceiling(), m.detector(), m.perRecord())));
    r.scaling().forEach(s -> all.add(s.run()));
    return all;
  }
}
