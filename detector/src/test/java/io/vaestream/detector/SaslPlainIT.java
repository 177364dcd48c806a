package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.testing.DockerImages;
import io.vaestream.detector.testing.Images;
import io.vaestream.detector.testing.KafkaBroker;
import io.vaestream.detector.testing.ScoreTally;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.embedded.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.kafka.KafkaContainer;

/**
 * SASL settings pass straight through to Kafka: the detector logs in over SASL/PLAIN to a broker
 * that requires it, scores, and never writes the password to its log. The broker is a Kafka
 * container whose client listener requires SASL/PLAIN where Docker runs, the embedded broker with
 * a SASL listener elsewhere.
 */
@Timeout(180)
class SaslPlainIT {
  private static final String SECRET = "s3cret-detector-password";
  private static final String ADMIN_SECRET = "admin-secret";

  @TempDir
  Path dir;

  /** A broker with a SASL/PLAIN listener, and the settings the test's own clients use on it. */
  private record SaslBroker(
      String saslBootstrap, Map<String, Object> clientSettings, AutoCloseable stop)
      implements AutoCloseable {

    static SaslBroker start() throws Exception {
      if (DockerImages.dockerAvailable()) {
        KafkaContainer kafka = KafkaBroker.container()
            .withEnv(
                "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
                "BROKER:PLAINTEXT,PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT")
            .withEnv("KAFKA_SASL_ENABLED_MECHANISMS", "PLAIN")
            .withEnv(
                "KAFKA_LISTENER_NAME_PLAINTEXT_PLAIN_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.plain."
                    + "PlainLoginModule required user_admin=\"" + ADMIN_SECRET
                    + "\" user_detector=\"" + SECRET + "\";");
        kafka.start();
        Map<String, Object> admin = new HashMap<>(sasl("admin", ADMIN_SECRET));
        admin.put("bootstrap.servers", kafka.getBootstrapServers());
        return new SaslBroker(kafka.getBootstrapServers(), admin, kafka::stop);
      }
      EmbeddedKafka kafka = EmbeddedKafka.startWithSaslPlain(Map.of("detector", SECRET));
      return new SaslBroker(
          kafka.saslBootstrapServers(),
          Map.of("bootstrap.servers", kafka.bootstrapServers()),
          kafka);
    }

    @Override
    public void close() throws Exception {
      stop.close();
    }
  }

  private static Map<String, Object> sasl(String user, String password) {
    return Map.of(
        "security.protocol",
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        "PLAIN",
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
            + "\" password=\"" + password + "\";");
  }

  @Test
  void shouldScoreOverSaslPlainWithoutLoggingThePassword() throws Exception {
    PrintStream oldErr = System.err;
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    try (SaslBroker kafka = SaslBroker.start()) {
      try (Admin admin = Admin.create(kafka.clientSettings())) {
        admin
            .createTopics(Stream.of(TestDetectors.topics("sasl"))
                .map(t -> new NewTopic(t, 1, (short) 1))
                .toList())
            .all()
            .get(60, TimeUnit.SECONDS);
      }
      Map<String, Object> p = TestDetectors.settings(
          kafka.saslBootstrap(),
          TinyVaeModel.write(dir.resolve("m"), 0.48),
          "sasl",
          dir.resolve("state"));
      p.putAll(sasl("detector", SECRET));
      Map<String, Object> producerSettings = new HashMap<>(kafka.clientSettings());
      producerSettings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
      try (Detector d = Detector.start(new DetectorConfig(p));
          KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
              producerSettings, new ByteArraySerializer(), new ByteArraySerializer());
          ScoreTally scores =
              new ScoreTally(kafka.clientSettings(), TestDetectors.scores("sasl"))) {
        for (int i = 0; i < 20; i++) {
          producer.send(
              new ProducerRecord<>(TestDetectors.images("sasl"), Images.eventBytes("s" + i, i)));
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
