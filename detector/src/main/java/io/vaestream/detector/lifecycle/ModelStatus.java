package io.vaestream.detector.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an instance did with each published model, as one JSON line per outcome on the status
 * topic ({@code <models topic>.status}), keyed by the instance: live, shadow, shadow-ended or
 * rejected, with the model's SHA-256 and a detail.
 */
final class ModelStatus implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelStatus.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String topic;
  private final String instance;
  private final KafkaProducer<String, String> producer;

  ModelStatus(String modelsTopic, Map<String, Object> clientSettings, String instance) {
    this.topic = modelsTopic + ".status";
    this.instance = instance;
    Map<String, Object> p = new HashMap<>(clientSettings);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, instance + "-model-status");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  /** Writes one outcome; a failed write is logged, never thrown: the status is for people. */
  void report(String sha256, String outcome, String detail) {
    String json = JSON.createObjectNode()
        .put("instance", instance)
        .put("sha256", sha256)
        .put("outcome", outcome)
        .put("detail", detail)
        .put("time", Instant.now().toString())
        .toString();
    producer.send(new ProducerRecord<>(topic, instance, json), (md, e) -> {
      if (e != null) {
        LOG.warn("cannot write the model status to {}: {}", topic, e.getMessage());
      }
    });
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
