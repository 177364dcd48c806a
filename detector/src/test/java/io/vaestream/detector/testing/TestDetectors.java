package io.vaestream.detector.testing;

import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Settings of an in-process test detector on the topics {@code PREFIX-images}, {@code -scores}, …,
 * and the clients a test drives it with.
 */
public final class TestDetectors {
  private TestDetectors() {}

  /** A prefix of this test's own: {@code kind}, a dash and eight random hex digits. */
  public static String prefix(String kind) {
    return kind + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Creates the four topics ({@link #topics}) of a fresh prefix ({@link #prefix}) on {@code kafka},
   * {@code partitions} each; returns the prefix.
   */
  public static String createTopics(KafkaBroker kafka, String kind, int partitions)
      throws Exception {
    String prefix = prefix(kind);
    kafka.createTopics(partitions, topics(prefix));
    return prefix;
  }

  public static String images(String prefix) {
    return prefix + "-images";
  }

  public static String scores(String prefix) {
    return prefix + "-scores";
  }

  /** Where new models are published to a detector ({@link DetectorConfig#MODELS_TOPIC}). */
  public static String models(String prefix) {
    return prefix + "-models";
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

  /** {@link #settings(String, Path, String, Path)} on {@code kafka}, one broker: one replica. */
  public static Map<String, Object> settings(
      KafkaBroker kafka, Path model, String prefix, Path stateDir) {
    Map<String, Object> p = settings(kafka.bootstrapServers(), model, prefix, stateDir);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    return p;
  }

  /**
   * {@link #settings(KafkaBroker, Path, String, Path)} of a detector that takes new models from
   * {@link #models}, with its HTTP endpoints on {@code port}.
   */
  public static Map<String, Object> swappable(
      KafkaBroker kafka, Path model, String prefix, Path stateDir, int port) {
    Map<String, Object> p = settings(kafka, model, prefix, stateDir);
    p.put(DetectorConfig.HTTP_PORT, port);
    p.put(DetectorConfig.MODELS_TOPIC, models(prefix));
    return p;
  }

  /** A port that was free a moment ago, for a detector's HTTP endpoints. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A read_committed consumer of {@code topic} from its start, in a group of its own. */
  public static KafkaConsumer<byte[], byte[]> readCommitted(String bootstrap, String topic) {
    KafkaConsumer<byte[], byte[]> c = readCommitted(bootstrap);
    c.subscribe(List.of(topic));
    return c;
  }

  /**
   * A consumer that sees committed transactions only, as scores must be read, from the earliest
   * offset, in a group of its own; it is the caller's to subscribe or assign.
   */
  public static KafkaConsumer<byte[], byte[]> readCommitted(String bootstrap) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            "it-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed"),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /**
   * Polls {@code status}, a consumer of a models topic's {@code .status} topic, for at most 60 s
   * until a status that contains {@code fragment} arrives; returns every status it read.
   */
  public static List<String> awaitStatus(KafkaConsumer<byte[], byte[]> status, String fragment) {
    List<String> seen = new ArrayList<>();
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      for (ConsumerRecord<byte[], byte[]> r : status.poll(Duration.ofMillis(200))) {
        seen.add(new String(r.value(), StandardCharsets.UTF_8));
      }
      return seen.stream().anyMatch(s -> s.contains(fragment));
    });
    return seen;
  }

  /** A producer of byte arrays with the client's defaults. */
  public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /**
   * A producer of byte arrays that sends one request at a time, acks=all, without idempotence,
   * with {@code more} settings. Idempotence is off: on a starved two-core machine the idempotent
   * producer was seen to reset its sequence numbers after a timeout and then retry forever on
   * OUT_OF_ORDER_SEQUENCE_NUMBER. Without it a retry may write an input twice, so tests count
   * scores per input record (partition, offset), which is what exactly-once promises.
   */
  public static KafkaProducer<byte[], byte[]> oneInFlightProducer(
      String bootstrap, Map<String, Object> more) {
    Map<String, Object> p = new HashMap<>(more);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  public static byte[] key(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  /** Image event {@code idPrefix + i} (the pixels of seed {@code i}) for {@code topic}, keyed by its id. */
  public static ProducerRecord<byte[], byte[]> event(String topic, String idPrefix, int i) {
    String id = idPrefix + i;
    return new ProducerRecord<>(topic, key(id), Images.eventBytes(id, i));
  }

  /** Sends the events {@code from} to {@code to - 1} ({@link #event}), then flushes. */
  public static void send(
      KafkaProducer<byte[], byte[]> producer, String topic, String idPrefix, int from, int to) {
    for (int i = from; i < to; i++) {
      producer.send(event(topic, idPrefix, i));
    }
    producer.flush();
  }

  /**
   * Sends {@code events} image events ({@link #event}) at a steady {@code rate} per second, one
   * request in flight and no idempotence, so that faults land mid-stream and every send is an
   * ordinary produce request.
   */
  public static void sendPaced(
      String bootstrap, String topic, String prefix, int events, int rate) {
    try (KafkaProducer<byte[], byte[]> p =
        oneInFlightProducer(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, 5))) {
      long t0 = System.nanoTime();
      for (int i = 0; i < events; i++) {
        long wait = t0 + i * (1_000_000_000L / rate) - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        p.send(event(topic, prefix, i));
      }
    }
  }
}
