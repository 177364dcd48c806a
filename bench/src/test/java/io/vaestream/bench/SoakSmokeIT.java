package io.vaestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the soak working: 15 seconds of {@code vaestream soak} against a detector process (the
 * 30-minute run is a command, documented in docs/reliability.md). Needs Fashion-MNIST.
 */
@Timeout(600)
class SoakSmokeIT {
  @TempDir Path dir;

  @Test
  void shouldScoreEveryRecordOnceAndSampleTheDetectorsMemory() throws Exception {
    Assumptions.assumeTrue(Files.isRegularFile(Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")),
        "Fashion-MNIST is not installed (scripts/fetch-data.sh)");
    Path report = dir.resolve("soak.md");
    int code = BenchApp.commandLine().execute("soak", "--minutes", "0.25", "--calibration-records", "2000",
        "--sample-seconds", "2", "--out", report.toString());
    assertThat(code).as("exit code: 0 when nothing was lost or duplicated").isZero();
    String md = Files.readString(report);
    assertThat(md).contains("| every input record has a committed score | **yes**", "| duplicate committed scores | 0 |",
        "| detector exit on SIGTERM | 143 (graceful", "## Over time");
    assertThat(md).containsPattern("ONNX Runtime tensors and results open \\| at most [0-2] at any sample");
    String csv = Files.readString(dir.resolve("soak-samples.csv"));
    // Memory and ONNX columns are read at every sample; latency only once a window has scores.
    assertThat(csv.lines().skip(1).filter(l -> l.contains(",steady,"))).as("steady samples").isNotEmpty()
        .allSatisfy(l -> assertThat(l.split(",")).hasSize(14).satisfies(f ->
            assertThat(java.util.Arrays.copyOfRange(f, 4, 12)).doesNotContain("NaN")));
  }
}
