package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vaestream.detector.testing.KafkaBroker;
import io.vaestream.detector.testing.ScoreTally;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.detector.testing.TinyVaeModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The detector as a separate process, killed with SIGKILL in the middle of a stream, then started
 * again. Under exactly_once_v2 every input record must have exactly one committed score, which also
 * proves that micro-batching (images held in the batch store) keeps the guarantee; under
 * at_least_once nothing may be lost, and the duplicates are counted and printed.
 */
@Timeout(600)
class DetectorKillIT {
  /** Events per run; {@code -Dvaestream.kill.events=100000} for the long run. */
  private static final int EVENTS = Integer.getInteger("vaestream.kill.events", 5000);
  /** Kills per run; {@code -Dvaestream.kill.count=5} for the long run. */
  private static final int KILLS = Integer.getInteger("vaestream.kill.count", 1);
  /** Producer rate, images/s. */
  private static final int RATE = Integer.getInteger("vaestream.kill.rate", 500);
  /** Extra detector arguments, space-separated ({@code -Dvaestream.kill.extra="--set a=b"}), to try settings. */
  private static final String EXTRA = System.getProperty("vaestream.kill.extra", "");

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
  void shouldLoseNothingAcrossAKill9(String guarantee) throws Exception {
    String only = System.getProperty("vaestream.kill.guarantee");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        only == null || only.equals(guarantee), "only " + only);
    KafkaBroker kafka = KafkaBroker.shared();
    String prefix = TestDetectors.createTopics(kafka, "kill", 2);
    List<String> args = new ArrayList<>(detectorArgs(kafka, prefix));
    args.addAll(List.of(
        "--set",
        "state.dir=" + dir.resolve("state"),
        "--set",
        "processing.guarantee=" + guarantee));
    if (!EXTRA.isBlank()) {
      args.addAll(List.of(EXTRA.trim().split("\\s+")));
    }
    List<Double> recoveries = new ArrayList<>();

    Map<String, Integer> perInput;
    Map<String, Integer> perId;
    Process current = start(args, dir.resolve("run-0.log"));
    Thread sender = sender(kafka, prefix, "kill-it-producer");
    try (ScoreTally c = new ScoreTally(kafka.bootstrapServers(), TestDetectors.scores(prefix))) {
      perInput = c.perInput;
      perId = c.perId;
      sender.start();
      for (int k = 1; k <= KILLS; k++) {
        int due = k * EVENTS / (KILLS + 1);
        await().atMost(Duration.ofSeconds(120 + EVENTS / RATE)).until(() -> c.drain() >= due);
        current.destroyForcibly().waitFor();
        int before = perId.size();
        assertThat(before).as("kill %d lands mid-stream", k).isLessThan(EVENTS);
        current = start(args, dir.resolve("run-" + k + ".log"));
        // Restart to the first committed score made by the new process: what an operator waits for.
        long t0 = System.nanoTime();
        java.time.Instant restarted = java.time.Instant.now();
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> c.drain(Duration.ofMillis(100)).stream()
                .anyMatch(sc -> !sc.getScoredTime().isBefore(restarted)));
        recoveries.add((System.nanoTime() - t0) / 1e9);
        System.out.printf(
            "kill %d of %d after %d scores; first new score %.1f s after the restart%n",
            k, KILLS, before, recoveries.get(recoveries.size() - 1));
      }
      try {
        await().atMost(Duration.ofSeconds(180 + EVENTS / RATE)).until(() -> c.drain() >= EVENTS);
        c.drain();
      } finally {
        current.destroy();
        current.waitFor();
      }
      sender.join();
    }
    assertThat(perId).as("nothing lost").hasSize(EVENTS);
    long duplicates = perInput.values().stream().mapToLong(v -> v - 1).sum();
    List<Double> sorted = recoveries.stream().sorted().toList();
    System.out.printf(
        "kill -9 x%d under %s: %d events, %d scored, %d duplicate scores; restart to first score "
            + "p50 %.1f s, max %.1f s %s%n",
        KILLS,
        guarantee,
        EVENTS,
        perId.size(),
        duplicates,
        sorted.get((sorted.size() - 1) / 2),
        sorted.get(sorted.size() - 1),
        sorted);
    if (guarantee.equals("exactly_once_v2")) {
      assertThat(perInput.values()).as("committed scores per input record").containsOnly(1);
    }
  }

  @Test
  void shouldMoveAKilledInstancesPartitionsToTheSurvivor() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    String prefix = TestDetectors.createTopics(kafka, "pair", 4);
    List<String> common = detectorArgs(kafka, prefix);
    List<String> a = new ArrayList<>(common);
    a.addAll(List.of("--set", "state.dir=" + dir.resolve("state-a")));
    List<String> b = new ArrayList<>(common);
    b.addAll(List.of("--set", "state.dir=" + dir.resolve("state-b")));
    Process victim = start(a, dir.resolve("a.log"));
    Process survivor = start(b, dir.resolve("b.log"));
    Thread sender = sender(kafka, prefix, "pair-it-producer");
    try (ScoreTally c = new ScoreTally(kafka.bootstrapServers(), TestDetectors.scores(prefix))) {
      sender.start();
      await().atMost(Duration.ofSeconds(120)).until(() -> c.drain() >= EVENTS / 5);
      victim.destroyForcibly().waitFor();
      assertThat(c.perId.size()).as("the kill lands mid-stream").isLessThan(EVENTS);
      await().atMost(Duration.ofSeconds(180)).until(() -> c.drain() >= EVENTS);
      c.drain();
      sender.join();
      c.assertEveryEventScoredOnce(EVENTS);
    } finally {
      survivor.destroy();
      survivor.waitFor();
    }
  }

  /** Writes the model; returns the command-line arguments of a detector on the topics of {@code prefix}. */
  private List<String> detectorArgs(KafkaBroker kafka, String prefix) throws IOException {
    Path model = TinyVaeModel.write(dir.resolve("model"), 0.48);
    return List.of(
        "--model",
        model.toString(),
        "--bootstrap-servers",
        kafka.bootstrapServers(),
        "--device",
        "cpu",
        "--set",
        "application.id=detector-" + prefix,
        "--set",
        "input.topic=" + TestDetectors.images(prefix),
        "--set",
        "scores.topic=" + TestDetectors.scores(prefix),
        "--set",
        "anomalies.topic=" + prefix + "-anomalies",
        "--set",
        "dlq.topic=" + prefix + "-dlq",
        "--set",
        "http.port=0");
  }

  /** A thread that sends {@link #EVENTS} events to the input topic of {@code prefix}, at {@link #RATE}. */
  private static Thread sender(KafkaBroker kafka, String prefix, String name) {
    return new Thread(
        () -> TestDetectors.sendPaced(
            kafka.bootstrapServers(), TestDetectors.images(prefix), "k", EVENTS, RATE),
        name);
  }

  private static Process start(List<String> args, Path log) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m",
        "-cp",
        System.getProperty("java.class.path"),
        DetectorApp.class.getName()));
    cmd.addAll(args);
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }
}
