package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.testing.Images;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.embedded.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
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
      kafka.createTopics(1, "sasl-images", "sasl-scores", "sasl-anomalies", "sasl-dlq");
      String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"detector\" "
          + "password=\"" + SECRET + "\";";
      Map<String, Object> p = new HashMap<>();
      p.put(DetectorConfig.BOOTSTRAP_SERVERS, kafka.saslBootstrapServers());
      p.put(DetectorConfig.MODEL_PATH, TinyVaeModel.write(dir.resolve("m"), 0.48).toString());
      p.put(DetectorConfig.DEVICE, "cpu");
      p.put(DetectorConfig.INPUT_TOPIC, "sasl-images");
      p.put(DetectorConfig.SCORES_TOPIC, "sasl-scores");
      p.put(DetectorConfig.ANOMALIES_TOPIC, "sasl-anomalies");
      p.put(DetectorConfig.DLQ_TOPIC, "sasl-dlq");
      p.put(DetectorConfig.HTTP_PORT, 0);
      p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
      p.put("security.protocol", "SASL_PLAINTEXT");
      p.put("sasl.mechanism", "PLAIN");
      p.put("sasl.jaas.config", jaas);
      System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
      try (Detector d = Detector.start(new DetectorConfig(p));
          KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
              ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
              new ByteArraySerializer(), new ByteArraySerializer());
          KafkaConsumer<byte[], byte[]> scores = new KafkaConsumer<>(Map.of(
              ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
              ConsumerConfig.GROUP_ID_CONFIG, "sasl-it",
              ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
              ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
              new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        for (int i = 0; i < 20; i++) {
          producer.send(new ProducerRecord<>("sasl-images", Images.eventBytes("s" + i, i)));
        }
        scores.subscribe(List.of("sasl-scores"));
        int[] n = {0};
        await().atMost(Duration.ofSeconds(90)).until(() -> {
          n[0] += scores.poll(Duration.ofMillis(200)).count();
          return n[0] >= 20;
        });
      }
    } finally {
      System.setErr(oldErr);
    }
    String logged = logs.toString(StandardCharsets.UTF_8);
    assertThat(logged).contains("detector started").doesNotContain(SECRET);
  }
}
