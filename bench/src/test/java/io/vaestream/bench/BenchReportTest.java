package io.vaestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report writer on hand-made results ({@link SampleBench}); the whole report, word for word, is
 * {@link GoldenReportTest}'s business.
 */
class BenchReportTest {
  @TempDir
  Path dir;

  @Test
  void shouldPutTheSectionsInTheOrderTheyRun() {
    SampleBench s = SampleBench.everySection();
    List<String> headers = new BenchReport(s.options(), s.results())
        .markdown()
        .lines()
        .filter(l -> l.startsWith("## "))
        .toList();
    assertThat(headers)
        .containsExactly(
            "## Throughput",
            "## Ratios",
            "## Latency",
            "## Memory",
            "## Where the time goes",
            "## GPU",
            "## Batch size",
            "## Shadow scoring",
            "## Cost against model and image size",
            "## Scaling: partitions × stream threads × instances");
  }

  @Test
  void shouldLeaveOutTheSectionsThatDidNotRun() {
    SampleBench s = SampleBench.everySection();
    BenchResults scalingOnly = new BenchResults(
        s.results().machine(),
        s.results().coreModel(),
        null,
        null,
        null,
        null,
        s.results().scaling());
    String md =
        new BenchReport(SampleBench.options("--sections", "scaling"), scalingOnly).markdown();
    assertThat(md)
        .contains("## Scaling", "--sections scaling --scaling-partitions 1,2,4")
        .doesNotContain(
            "## Throughput",
            "## Batch size",
            "## Shadow scoring",
            "## Cost against",
            "--compare-models");
  }

  @Test
  void shouldSayWhichShareOfTheRecordsIsFlaggedWhenItWasChosen() {
    SampleBench s = SampleBench.smoke();
    BenchOptions o = SampleBench.options("--flagged-share", "0.01");
    assertThat(new BenchReport(o, s.results()).markdown())
        .contains(
            " --flagged-share 0.01 ",
            "Records are Fashion-MNIST test images (those a model does not flag, with the ones it flags "
                + "mixed in evenly to 1.0%: `--flagged-share`)");
    assertThat(new BenchReport(s.options(), s.results()).markdown())
        .doesNotContain("flagged-share");
  }

  @Test
  void shouldSayWhatWasNotProfiled() {
    SampleBench s = SampleBench.smoke();
    assertThat(new BenchReport(s.options(), s.results()).markdown())
        .contains("Not profiled: `perf` is not installed", "Not profiled: the run was too short");
  }

  @Test
  void shouldSayUnknownWhenTheResidentSetCannotBeRead() {
    SampleBench s = SampleBench.smoke();
    BenchResults.Core c = s.results().core();
    BenchResults.Core noProc = new BenchResults.Core(
        c.flaggedShare(),
        c.ceiling(),
        c.detector(),
        c.notPipelined(),
        c.perRecord(),
        c.scorerBatched(),
        c.scorerSingle(),
        c.gemmGflops(),
        c.flopsPerImage(),
        c.latency(),
        new BenchResults.Memory(1_000_000, null),
        null,
        null);
    BenchResults r = new BenchResults(
        s.results().machine(), s.results().coreModel(), noProc, null, null, null, null);
    assertThat(new BenchReport(s.options(), r).markdown())
        .contains(
            "- heap in use after the profiled detector run: 1 MB\n",
            "- resident set after the profiled detector run: unknown\n");
  }

  @Test
  void shouldWriteTheReportToOutCreatingItsFolder() throws Exception {
    SampleBench s = SampleBench.smoke();
    Path out = dir.resolve("a/b/benchmarks.md");
    BenchOptions o = SampleBench.options("--out", out.toString());
    Path written = new BenchReport(o, s.results()).write();
    assertThat(written).isEqualTo(out);
    assertThat(Files.readString(out)).startsWith("# Benchmarks\n").contains("--out " + out);
  }
}
