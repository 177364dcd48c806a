package io.vaestream.detector.testing;

import io.vaestream.detector.config.DetectorConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/** Settings of an in-process test detector on the topics {@code PREFIX-images}, {@code -scores}, … */
public final class TestDetectors {
  private TestDetectors() {}

  public static String images(String prefix) {
    return prefix + "-images";
  }

  public static String scores(String prefix) {
    return prefix + "-scores";
  }

  /** The four topics, in creation order. */
  public static String[] topics(String prefix) {
    return new String[] {images(prefix), scores(prefix), prefix + "-anomalies", prefix + "-dlq"};
  }

  /** A CPU detector without HTTP endpoints, state under {@code stateDir}. */
  public static Map<String, Object> settings(
      String bootstrap, Path model, String prefix, Path stateDir) {
    Map<String, Object> p = new HashMap<>();
    p.put(DetectorConfig.BOOTSTRAP_SERVERS, bootstrap);
    p.put(DetectorConfig.APPLICATION_ID, "detector-" + prefix);
    p.put(DetectorConfig.MODEL_PATH, model.toString());
    p.put(DetectorConfig.DEVICE, "cpu");
    p.put(DetectorConfig.INPUT_TOPIC, images(prefix));
    p.put(DetectorConfig.SCORES_TOPIC, scores(prefix));
    p.put(DetectorConfig.ANOMALIES_TOPIC, prefix + "-anomalies");
    p.put(DetectorConfig.DLQ_TOPIC, prefix + "-dlq");
    p.put(DetectorConfig.HTTP_PORT, 0);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return p;
  }

  /** A port that was free a moment ago, for a detector's HTTP endpoints. */
  public static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A read_committed consumer of {@code topic} from its start, in a group of its own. */
  public static org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> readCommitted(
      String bootstrap, String topic) {
    var c = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
        Map.of(
            org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG,
            "it-" + java.util.UUID.randomUUID(),
            org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed"),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    c.subscribe(java.util.List.of(topic));
    return c;
  }

  /**
   * Sends {@code events} image events (ids and keys {@code PREFIX + i}) at a steady {@code rate}
   * per second, one request in flight and no idempotence, so that faults land mid-stream and
   * every send is an ordinary produce request.
   */
  public static void sendPaced(
      String bootstrap, String topic, String prefix, int events, int rate) {
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            false,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
            1,
            ProducerConfig.LINGER_MS_CONFIG,
            5),
        new ByteArraySerializer(),
        new ByteArraySerializer())) {
      long t0 = System.nanoTime();
      for (int i = 0; i < events; i++) {
        long wait = t0 + i * (1_000_000_000L / rate) - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        p.send(new ProducerRecord<>(
            topic,
            (prefix + i).getBytes(StandardCharsets.UTF_8),
            Images.eventBytes(prefix + i, i)));
      }
    }
  }
}
