package io.vaestream.detector.lifecycle;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes drift events to the drift topic, keyed by source, with an idempotent producer of its own
 * made on the first event: a detector whose traffic never drifts opens no connection for it. Not a
 * transactional producer: drift events are alerts beside the scores, not part of their
 * exactly-once output. Used by the drift monitor's thread only.
 */
final class DriftTopic implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DriftTopic.class);

  private final String topic;
  private final Map<String, Object> settings;
  private KafkaProducer<String, String> producer;

  DriftTopic(String topic, Map<String, Object> clientSettings, String instance) {
    this.topic = topic;
    this.settings = new HashMap<>(clientSettings);
    settings.put(ProducerConfig.CLIENT_ID_CONFIG, instance + "-drift");
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // The monitor's thread waits at most this long for the topic's metadata; its batches queue
    // meanwhile.
    settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
  }

  void send(DriftEvent event) {
    if (producer == null) {
      producer = new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
    }
    producer.send(new ProducerRecord<>(topic, event.source(), event.toJson()), (md, e) -> {
      if (e != null) {
        LOG.warn(
            "cannot write a drift event ({} of source {}) to {}: {}",
            event.signal(),
            event.source(),
            topic,
            e.getMessage());
      }
    });
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
