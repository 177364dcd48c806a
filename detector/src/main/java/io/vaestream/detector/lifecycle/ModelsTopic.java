package io.vaestream.detector.lifecycle;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/** How the watcher and the publisher read the models topic: settings, read-to-end, headers. */
final class ModelsTopic {
  /** The largest record on the models topic: a model and room for its framing. */
  static final int MAX_RECORD_BYTES = ModelWatcher.MAX_MODEL_BYTES + 64 * 1024;

  private ModelsTopic() {}

  /**
   * Settings of a consumer of the models topic: committed records only, model-sized fetches, no
   * offsets of its own, and no auto-created topic (a broker with auto.create.topics.enable would
   * create it with its defaults, not compacted and with 1 MB messages; `publish` creates it right).
   */
  static Map<String, Object> readerSettings(Map<String, Object> clientSettings) {
    Map<String, Object> c = new HashMap<>(clientSettings);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_RECORD_BYTES);
    c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, MAX_RECORD_BYTES);
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    return c;
  }

  /**
   * Reads {@code partitions} from where {@code consumer} stands to their end offsets as of now,
   * handing each poll to {@code each}, for at most {@code limit}; true when it got to the end.
   */
  static <K, V> boolean readToEnd(
      KafkaConsumer<K, V> consumer,
      List<TopicPartition> partitions,
      Duration limit,
      Consumer<ConsumerRecords<K, V>> each) {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    long deadline = System.nanoTime() + limit.toNanos();
    while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      each.accept(consumer.poll(Duration.ofMillis(500)));
    }
    return true;
  }

  /** The value of header {@code key} of {@code r} as text, or null when it has none (or a null one). */
  static String header(ConsumerRecord<?, ?> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
