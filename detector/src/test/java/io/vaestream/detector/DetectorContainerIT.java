package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.vaestream.detector.testing.DockerImages;
import io.vaestream.detector.testing.KafkaBroker;
import io.vaestream.detector.testing.ScoreTally;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.detector.testing.TinyVaeModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The shipped detector image, as a user runs it: built from this checkout's Dockerfile, started
 * against the Kafka container with a model mounted read-only, healthy through its own
 * HEALTHCHECK, scoring every image exactly once, running as a non-root user, and stopping cleanly
 * on SIGTERM within its grace period. Needs Docker (skipped on the embedded broker).
 */
@Timeout(300)
class DetectorContainerIT {
  private static final int EVENTS = 500;
  private static final int GRACE_SECONDS = 30;

  @TempDir
  Path dir;

  @Test
  void shouldScoreEveryImageOnceAndStopCleanlyAsShipped() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    assumeTrue(kafka.inDocker(), "needs Docker: the shipped image runs in a container");
    String prefix = TestDetectors.createTopics(kafka, "image", 3);
    Path models = Files.createDirectories(dir.resolve("models"));
    TinyVaeModel.write(models, 0.48);
    // The container's user (10001) must be able to list the mounted folder and read the model.
    Files.setPosixFilePermissions(models, PosixFilePermissions.fromString("rwxr-xr-x"));

    try (GenericContainer<?> detector = new GenericContainer<>(DockerImages.DETECTOR.require())
        .withNetwork(kafka.network())
        .withFileSystemBind(models.toString(), "/models", BindMode.READ_ONLY)
        .withEnv("VAESTREAM_BOOTSTRAP_SERVERS", kafka.networkBootstrapServers())
        .withEnv("VAESTREAM_APPLICATION_ID", "detector-" + prefix)
        .withEnv("VAESTREAM_MODEL_PATH", "/models/model.onnx")
        .withEnv("VAESTREAM_DEVICE", "cpu")
        .withEnv("VAESTREAM_INPUT_TOPIC", TestDetectors.images(prefix))
        .withEnv("VAESTREAM_SCORES_TOPIC", TestDetectors.scores(prefix))
        .withEnv("VAESTREAM_ANOMALIES_TOPIC", prefix + "-anomalies")
        .withEnv("VAESTREAM_DLQ_TOPIC", prefix + "-dlq")
        .withExposedPorts(8080)
        .withLogConsumer(
            new Slf4jLogConsumer(org.slf4j.LoggerFactory.getLogger("detector-container")))
        .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(2)))) {
      detector.start();
      InspectContainerResponse started = detector.getCurrentContainerInfo();
      assertThat(started.getState().getHealth().getStatus()).isEqualTo("healthy");
      assertThat(started.getConfig().getUser()).isEqualTo("10001");
      assertThat(detector.execInContainer("id", "-u").getStdout().strip()).isEqualTo("10001");

      TestDetectors.sendPaced(
          kafka.bootstrapServers(), TestDetectors.images(prefix), "c", EVENTS, 1000);
      try (ScoreTally tally =
          new ScoreTally(kafka.bootstrapServers(), TestDetectors.scores(prefix))) {
        await().atMost(Duration.ofMinutes(2)).until(() -> tally.drain() >= EVENTS);
        tally.drain(Duration.ofSeconds(2));
        assertThat(tally.perId).hasSize(EVENTS);
        assertThat(tally.perId.values()).as("scores per event").containsOnly(1);
        assertThat(tally.perInput.values()).as("scores per input record").containsOnly(1);
      }

      long t0 = System.nanoTime();
      detector
          .getDockerClient()
          .stopContainerCmd(detector.getContainerId())
          .withTimeout(GRACE_SECONDS)
          .exec();
      Duration stopping = Duration.ofNanos(System.nanoTime() - t0);
      InspectContainerResponse stopped = detector
          .getDockerClient()
          .inspectContainerCmd(detector.getContainerId())
          .exec();
      assertThat(stopping).as("stop time").isLessThan(Duration.ofSeconds(GRACE_SECONDS));
      assertThat(stopped.getState().getExitCodeLong())
          .as("exit code after SIGTERM (137 = killed)")
          .isIn(0L, 143L);
      assertThat(detector.getLogs()).contains("detector stopped");
    }
  }
}
