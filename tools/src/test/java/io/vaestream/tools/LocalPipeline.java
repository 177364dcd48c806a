package io.vaestream.tools;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/** What the tools' end-to-end tests need around a detector on an embedded broker. */
final class LocalPipeline {
  /** The detector's topics, one partition each. */
  static final String[] TOPICS = {"images", "scores", "anomalies", "images.dlq"};

  private LocalPipeline() {}

  /** Creates {@link #TOPICS}. */
  static void createTopics(EmbeddedKafka kafka) throws Exception {
    kafka.createTopics(1, TOPICS);
  }

  /** A detector's settings for {@code model} on {@code kafka}: CPU, no HTTP port, state under {@code state}. */
  static Map<String, Object> detectorConfig(EmbeddedKafka kafka, Path model, Path state) {
    Map<String, Object> p = new HashMap<>();
    p.put(DetectorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    p.put(DetectorConfig.MODEL_PATH, model.toString());
    p.put(DetectorConfig.DEVICE, "cpu");
    p.put(DetectorConfig.HTTP_PORT, 0);
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    return p;
  }

  static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A consumer from the earliest offset that sees committed transactions only, as scores must be read. */
  static KafkaConsumer<byte[], byte[]> readCommitted(EmbeddedKafka kafka) {
    return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "it", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }
}
