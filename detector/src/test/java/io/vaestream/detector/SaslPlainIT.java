package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.testing.Images;
import io.vaestream.detector.testing.ScoreTally;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.embedded.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL settings pass straight through to Kafka: the detector logs in over SASL/PLAIN to a broker
 * that requires it, scores, and never writes the password to its log.
 */
@Timeout(180)
class SaslPlainIT {
  private static final String SECRET = "s3cret-detector-password";
  @TempDir Path dir;

  @Test
  void shouldScoreOverSaslPlainWithoutLoggingThePassword() throws Exception {
    PrintStream oldErr = System.err;
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    try (EmbeddedKafka kafka = EmbeddedKafka.startWithSaslPlain(Map.of("detector", SECRET))) {
      kafka.createTopics(1, TestDetectors.topics("sasl"));
      String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"detector\" "
          + "password=\"" + SECRET + "\";";
      Map<String, Object> p = TestDetectors.settings(kafka.saslBootstrapServers(),
          TinyVaeModel.write(dir.resolve("m"), 0.48), "sasl", dir.resolve("state"));
      p.put("security.protocol", "SASL_PLAINTEXT");
      p.put("sasl.mechanism", "PLAIN");
      p.put("sasl.jaas.config", jaas);
      System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
      try (Detector d = Detector.start(new DetectorConfig(p));
          KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
              ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
              new ByteArraySerializer(), new ByteArraySerializer());
          ScoreTally scores = new ScoreTally(kafka.bootstrapServers(), TestDetectors.scores("sasl"))) {
        for (int i = 0; i < 20; i++) {
          producer.send(new ProducerRecord<>(TestDetectors.images("sasl"), Images.eventBytes("s" + i, i)));
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> scores.drain() >= 20);
      }
    } finally {
      System.setErr(oldErr);
    }
    String logged = logs.toString(StandardCharsets.UTF_8);
    assertThat(logged).contains("detector started").doesNotContain(SECRET);
  }
}
