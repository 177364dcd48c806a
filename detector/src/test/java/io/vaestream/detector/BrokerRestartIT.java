package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.testing.DockerImages;
import io.vaestream.detector.testing.KafkaBroker;
import io.vaestream.detector.testing.ScoreTally;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The broker stops and starts again mid-stream, keeping its data and its address; the detector
 * rides through and loses nothing. Once with the embedded broker (stopped and started in this JVM)
 * and once, where Docker runs, with the Kafka container itself stopped and started
 * ({@code docker stop}, {@code docker start}): the image must come back with its storage as it was.
 */
@Timeout(300)
class BrokerRestartIT {
  private static final int EVENTS = 1500;

  @TempDir
  Path dir;

  /** A broker that can be stopped and started again at the same address. */
  private interface RestartableBroker extends AutoCloseable {
    String bootstrapServers();

    void restart() throws Exception;

    @Override
    void close();
  }

  @Test
  void shouldScoreEveryImageExactlyOnceAcrossARestartOfTheEmbeddedBroker() throws Exception {
    int port = TestDetectors.freePort();
    Path data = dir.resolve("kafka");
    EmbeddedKafka[] kafka = {EmbeddedKafka.start(port, data)};
    scoreAcrossARestart(new RestartableBroker() {
      @Override
      public String bootstrapServers() {
        return kafka[0].bootstrapServers();
      }

      @Override
      public void restart() throws Exception {
        kafka[0].close();
        kafka[0] = EmbeddedKafka.start(port, data);
      }

      @Override
      public void close() {
        kafka[0].close();
      }
    });
  }

  @Test
  void shouldScoreEveryImageExactlyOnceAcrossARestartOfTheKafkaContainer() throws Exception {
    assumeTrue(DockerImages.dockerAvailable(), "needs Docker");
    // A fixed host port: the advertised listener must still be right after the container restarts.
    int port = TestDetectors.freePort();
    KafkaContainer container = KafkaBroker.container();
    container.setPortBindings(List.of(port + ":9092"));
    container.start();
    DockerClient docker = container.getDockerClient();
    scoreAcrossARestart(new RestartableBroker() {
      @Override
      public String bootstrapServers() {
        return container.getBootstrapServers();
      }

      @Override
      public void restart() {
        docker.stopContainerCmd(container.getContainerId()).withTimeout(20).exec();
        docker.startContainerCmd(container.getContainerId()).exec();
      }

      @Override
      public void close() {
        container.stop();
      }
    });
  }

  private void scoreAcrossARestart(RestartableBroker kafka) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Map<String, Integer> perInput;
    Map<String, Integer> perId;
    try (kafka) {
      KafkaBroker.createTopics(bootstrap, 2, TestDetectors.topics("r"));
      Map<String, Object> p = TestDetectors.settings(
          bootstrap, TinyVaeModel.write(dir.resolve("m"), 0.48), "r", dir.resolve("state"));
      Thread sender = new Thread(
          () -> TestDetectors.sendPaced(bootstrap, TestDetectors.images("r"), "r", EVENTS, 250),
          "restart-it-producer");
      try (Detector d = Detector.start(new DetectorConfig(p));
          ScoreTally tally = new ScoreTally(bootstrap, TestDetectors.scores("r"))) {
        sender.start();
        await().atMost(Duration.ofSeconds(90)).until(() -> tally.drain() >= EVENTS / 4);
        long t0 = System.nanoTime();
        kafka.restart();
        assertThat(tally.perId.size()).as("the restart lands mid-stream").isLessThan(EVENTS);
        await().atMost(Duration.ofSeconds(180)).until(() -> tally.drain() >= EVENTS);
        System.out.printf(
            "%d of %d scored %.1f s after the broker was stopped%n",
            tally.perId.size(), EVENTS, (System.nanoTime() - t0) / 1e9);
        sender.join();
        System.out.printf(
            "the live tally read %d input records' scores more than once%n",
            tally.perInput.values().stream().filter(n -> n > 1).count());
      }
      // What the scores topic holds, read once from its start by a fresh consumer: the tally
      // above may read some scores twice, when the broker's restart moves its fetch position.
      try (ScoreTally committed = new ScoreTally(bootstrap, TestDetectors.scores("r"))) {
        await().atMost(Duration.ofSeconds(60)).until(() -> committed.drain() >= EVENTS);
        committed.drain(Duration.ofSeconds(2));
        perInput = committed.perInput;
        perId = committed.perId;
      }
    }
    assertThat(perId).hasSize(EVENTS);
    assertThat(perInput.values()).as("committed scores per input record").containsOnly(1);
  }
}
