package io.vaestream.bench;

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
    int code = BenchApp.commandLine().execute("bench", "--records", "400", "--repeat", "1", "--latency-seconds",
        "1", "--latency-commit-intervals", "100", "--compare-models", "mlp-28,mlp-28-int8",
        "--scaling-partitions", "2",
        "--scaling-threads", "1", "--scaling-instances", "1,2", "--batch-sizes", "1,64", "--out", report.toString());
    assertThat(code).isZero();
    String md = Files.readString(report);
    assertThat(md).contains("## Throughput", "(a) ceiling: same graph and serdes, no inference",
        "(b) detector: batches of 64, pipelined inference", "(b') detector: batches of 64, inference on the stream thread",
        "(c) per-record baseline", "scorer alone", "GFLOP/s", "## Latency", "| 100 | 25% of", "## Memory",
        "## Where the time goes", "## Batch size", "## Cost against model and image size", "| mlp-28 | 2.2 |",
        "| mlp-28-int8 | 2.2 |",
        "## Scaling", "| 2 | 1 | 2 |");
    assertThat(md.lines().filter(l -> l.startsWith("| (") || l.startsWith("| mlp-28")))
        .as("no throughput run came back empty").isNotEmpty().noneMatch(l -> l.contains("| 0 |"));
    assertThat(md.lines().filter(l -> l.startsWith("| 100 | ")))
        .as("every latency run has scores").hasSize(3)
        .allMatch(l -> Integer.parseInt(l.split("\\|")[9].trim()) > 0);
  }
}
