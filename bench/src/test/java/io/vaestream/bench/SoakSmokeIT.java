package io.vaestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.bench.SoakResults.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the soak working: 15 seconds of {@code soak} against a detector process (the 30-minute
 * run is a command, documented in docs/reliability.md), checked on its results; the report's
 * wording is the business of {@link SoakReportTest} and {@link GoldenReportTest}. It starts its
 * own embedded broker, by design. Needs Fashion-MNIST.
 */
@Timeout(600)
class SoakSmokeIT {
  @TempDir
  Path dir;

  @Test
  void shouldScoreEveryRecordOnceAndSampleTheDetectorsMemory() throws Exception {
    FashionMnist.assumeInstalled();
    SoakOptions options = SampleSoak.options(
        "--minutes",
        "0.25",
        "--calibration-records",
        "2000",
        "--sample-seconds",
        "2",
        "--out",
        dir.resolve("soak.md").toString());

    SoakResults r = new SoakRunner(options).run();

    assertThat(r.expected()).as("records sent").isGreaterThan(2000);
    assertThat(r.lost()).as("input records without a committed score").isZero();
    assertThat(r.duplicates()).as("duplicate committed scores").isZero();
    assertThat(r.exactlyOnce()).isTrue();
    assertThat(r.exit()).as("the detector's exit on SIGTERM (graceful)").isEqualTo(143);
    assertThat(r.maxRate()).isPositive();
    assertThat(r.latency().count()).as("latencies of the steady phase").isPositive();
    List<Sample> steady =
        r.samples().stream().filter(s -> s.phase().equals("steady")).toList();
    // Memory and ONNX figures are read at every sample; latency only once a window has scores.
    assertThat(steady).as("steady samples").isNotEmpty().allSatisfy(s -> {
      assertThat(DoubleStream.of(s.readings()))
          .as("memory and ONNX figures at %.0f s", s.seconds())
          .noneMatch(v -> v.isNaN());
    });
    // One input tensor and one result while a batch runs, none between batches.
    assertThat(r.samples())
        .filteredOn(s -> !s.phase().equals("max load"))
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.onnxOpen())
            .as("ONNX Runtime objects open at %.0f s", s.seconds())
            .isBetween(0.0, 2.0));

    Path report = new SoakReport(options, r).write();
    assertThat(Files.readString(report)).contains("## Verdict", "## Over time");
    assertThat(dir.resolve(SoakReport.CSV)).isRegularFile();
  }
}
