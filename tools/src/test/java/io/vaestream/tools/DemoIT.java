package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first thing a user runs, run as they run it: {@code vaestream demo} in a process of its own,
 * in an empty directory (so it trains its model), with a short stream. Checks that everything is
 * scored, that the figures come from a steady stream after the warm-up, and that the console
 * carries no WARN or ERROR line a user cannot act on: the one expected is the CUDA fallback on a
 * machine without a GPU.
 */
@Timeout(300)
class DemoIT {
  private static final int EVENTS = 300;

  @TempDir
  Path dir;

  @Test
  void shouldScoreEveryEventAtASteadyRateWithoutWarnings() throws Exception {
    TestData.assumeFashionMnist();
    Path out = dir.resolve("console.txt");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx2g",
        "-cp",
        System.getProperty("java.class.path"),
        VaestreamApp.class.getName(),
        "demo",
        "--events",
        Integer.toString(EVENTS),
        "--warmup",
        "200",
        "--epochs",
        "2"));
    Process demo = new ProcessBuilder(cmd)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .start();
    boolean ended = demo.waitFor(240, TimeUnit.SECONDS);
    if (!ended) {
      demo.destroyForcibly();
    }
    String console = Files.readString(out);
    assertThat(ended).as(console).isTrue();
    assertThat(demo.exitValue()).as(console).isZero();

    assertThat(console)
        .contains("events scored      " + EVENTS + " of " + EVENTS)
        .contains("warming up with 200 images sent flat out")
        .containsPattern("the detector scored \\d+ events/s flat out; streaming " + EVENTS
            + " images at \\d+ events/s, after \\d+ more at that rate \\(not in the summary\\)")
        .containsPattern("throughput +\\d+ events/s steady \\(sent at half the \\d+ events/s")
        .containsPattern(
            "latency +p50 \\d+ ms, p99 \\d+ ms event to score; p50 \\d+ ms, p99 \\d+ ms "
                + "until your read_committed consumer sees it");
    List<String> alarms = console
        .lines()
        .filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
        .filter(l -> !l.contains("CUDA execution provider unavailable"))
        .toList();
    assertThat(alarms).as(console).isEmpty();
  }
}
