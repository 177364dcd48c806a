package io.vaestream.tools;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.testing.KafkaBroker;
import io.vaestream.detector.testing.TestDetectors;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What the tools' end-to-end tests need around a detector: topics of their own on the shared test
 * broker ({@link KafkaBroker}: a Kafka container where Docker runs, the embedded broker elsewhere),
 * named {@code PREFIX-images}, {@code -scores}, {@code -anomalies} and {@code -dlq}.
 */
record LocalPipeline(KafkaBroker kafka, String prefix) {

  /** A pipeline with fresh topics, one partition each, on the shared broker. */
  static LocalPipeline create() throws Exception {
    LocalPipeline p = new LocalPipeline(
        KafkaBroker.shared(), "tools-" + UUID.randomUUID().toString().substring(0, 8));
    p.kafka.createTopics(1, p.images(), p.scores(), p.anomalies(), p.dlq());
    return p;
  }

  String images() {
    return prefix + "-images";
  }

  String scores() {
    return prefix + "-scores";
  }

  String anomalies() {
    return prefix + "-anomalies";
  }

  String dlq() {
    return prefix + "-dlq";
  }

  /** A detector's settings for {@code model} on these topics: CPU, no HTTP port, state under {@code state}. */
  Map<String, Object> detectorConfig(Path model, Path state) {
    Map<String, Object> p = new HashMap<>();
    p.put(DetectorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    p.put(DetectorConfig.APPLICATION_ID, "detector-" + prefix);
    p.put(DetectorConfig.INPUT_TOPIC, images());
    p.put(DetectorConfig.SCORES_TOPIC, scores());
    p.put(DetectorConfig.ANOMALIES_TOPIC, anomalies());
    p.put(DetectorConfig.DLQ_TOPIC, dlq());
    p.put(DetectorConfig.MODEL_PATH, model.toString());
    p.put(DetectorConfig.DEVICE, "cpu");
    p.put(DetectorConfig.HTTP_PORT, 0);
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    return p;
  }

  KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** A consumer from the earliest offset that sees committed transactions only, as scores must be read. */
  KafkaConsumer<byte[], byte[]> readCommitted() {
    return TestDetectors.readCommitted(kafka.bootstrapServers());
  }
}
