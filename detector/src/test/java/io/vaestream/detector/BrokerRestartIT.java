package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.testing.ScoreTally;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.embedded.EmbeddedKafka;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The broker stops and starts again mid-stream; the detector rides through and loses nothing. */
@Timeout(300)
class BrokerRestartIT {
  private static final int EVENTS = 1500;
  @TempDir Path dir;

  @Test
  void shouldScoreEveryImageExactlyOnceAcrossABrokerRestart() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    Path data = dir.resolve("kafka");
    EmbeddedKafka kafka = EmbeddedKafka.start(port, data);
    String bootstrap = kafka.bootstrapServers();
    Map<String, Integer> perInput;
    Map<String, Integer> perId;
    try {
      kafka.createTopics(2, TestDetectors.topics("r"));
      Map<String, Object> p = TestDetectors.settings(bootstrap, TinyVaeModel.write(dir.resolve("m"), 0.48), "r",
          dir.resolve("state"));
      Thread sender = new Thread(() -> TestDetectors.sendPaced(bootstrap, TestDetectors.images("r"), "r", EVENTS, 250), "restart-it-producer");
      try (Detector d = Detector.start(new DetectorConfig(p));
          ScoreTally tally = new ScoreTally(bootstrap, TestDetectors.scores("r"))) {
        sender.start();
        await().atMost(Duration.ofSeconds(90)).until(() -> tally.drain() >= EVENTS / 4);
        kafka.close();
        assertThat(tally.perId.size()).as("the restart lands mid-stream").isLessThan(EVENTS);
        kafka = EmbeddedKafka.start(port, data);
        await().atMost(Duration.ofSeconds(180)).until(() -> tally.drain() >= EVENTS);
        tally.drain();
        sender.join();
        perInput = tally.perInput;
        perId = tally.perId;
      }
    } finally {
      kafka.close();
    }
    assertThat(perId).hasSize(EVENTS);
    assertThat(perInput.values()).as("committed scores per input record").containsOnly(1);
  }
}
