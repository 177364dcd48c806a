package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.testing.Images;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.embedded.EmbeddedKafka;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.AvroSerdes;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    Map<String, Integer> perInput = new HashMap<>();
    Map<String, Integer> perId = new HashMap<>();
    try {
      kafka.createTopics(2, "r-images", "r-scores", "r-anomalies", "r-dlq");
      Map<String, Object> p = new HashMap<>();
      p.put(DetectorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      p.put(DetectorConfig.MODEL_PATH, TinyVaeModel.write(dir.resolve("m"), 0.48).toString());
      p.put(DetectorConfig.DEVICE, "cpu");
      p.put(DetectorConfig.INPUT_TOPIC, "r-images");
      p.put(DetectorConfig.SCORES_TOPIC, "r-scores");
      p.put(DetectorConfig.ANOMALIES_TOPIC, "r-anomalies");
      p.put(DetectorConfig.DLQ_TOPIC, "r-dlq");
      p.put(DetectorConfig.HTTP_PORT, 0);
      p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
      String bootstrap = kafka.bootstrapServers();
      Thread sender = new Thread(() -> produce(bootstrap), "restart-it-producer");
      try (Detector d = Detector.start(new DetectorConfig(p));
          KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
        sender.start();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
          drain(c, perInput, perId);
          return perId.size() >= EVENTS / 4;
        });
        kafka.close();
        assertThat(perId.size()).as("the restart lands mid-stream").isLessThan(EVENTS);
        kafka = EmbeddedKafka.start(port, data);
        await().atMost(Duration.ofSeconds(180)).until(() -> {
          drain(c, perInput, perId);
          return perId.size() >= EVENTS;
        });
        drain(c, perInput, perId);
        sender.join();
      }
    } finally {
      kafka.close();
    }
    assertThat(perId).hasSize(EVENTS);
    assertThat(perInput.values()).as("committed scores per input record").containsOnly(1);
  }

  private static void produce(String bootstrap) {
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1, ProducerConfig.LINGER_MS_CONFIG, 5),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      long t0 = System.nanoTime();
      for (int i = 0; i < EVENTS; i++) {
        long wait = t0 + i * 4_000_000L - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
        p.send(new ProducerRecord<>("r-images", ("r" + i).getBytes(StandardCharsets.UTF_8), Images.eventBytes("r" + i, i)));
      }
    }
  }

  private static void drain(KafkaConsumer<byte[], byte[]> c, Map<String, Integer> perInput, Map<String, Integer> perId) {
    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
      AnomalyScore s = AvroSerdes.anomalyScore().deserializer().deserialize("r-scores", r.value());
      perInput.merge(s.getInputPartition() + "@" + s.getInputOffset(), 1, Integer::sum);
      perId.merge(s.getEventId(), 1, Integer::sum);
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "restart-it",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    c.subscribe(List.of("r-scores"));
    return c;
  }
}
