package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the benchmark working: a tiny run of {@code vaestream bench} (the real one is a command,
 * documented in docs/benchmarks.md). Needs Fashion-MNIST, which .ci/run installs.
 */
@Timeout(600)
class BenchSmokeIT {
  @TempDir Path dir;

  @Test
  void shouldMeasureEveryRunAndWriteTheReport() throws Exception {
    Assumptions.assumeTrue(Files.isRegularFile(Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")),
        "Fashion-MNIST is not installed (scripts/fetch-data.sh)");
    Path report = dir.resolve("benchmarks.md");
    int code = VaestreamApp.commandLine().execute("bench", "--records", "400", "--latency-seconds", "1",
        "--compare-models", "mlp-28", "--scaling-partitions", "2", "--scaling-threads", "1",
        "--scaling-instances", "1,2", "--batch-sizes", "1,64", "--out", report.toString());
    assertThat(code).isZero();
    String md = Files.readString(report);
    assertThat(md).contains("## Throughput", "(a) ceiling (no inference)", "(b) detector (batch 64)",
        "(c) per-record baseline (batch 1)", "scorer alone", "GFLOP/s", "## Latency", "## Memory",
        "## Where the time goes", "## Batch size", "## Cost against model and image size", "| mlp-28 | 2.2 |",
        "## Scaling", "| 2 | 1 | 2 |");
    assertThat(md).as("no run came back empty").doesNotContain("| 0 |");
  }
}
