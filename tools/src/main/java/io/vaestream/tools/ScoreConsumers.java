package io.vaestream.tools;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Consumers of the detector's output, as every tool reads it: read_committed, a fresh group.
 * Public so that the benchmark harness (module {@code bench}) reads scores the way users' tools do.
 */
public final class ScoreConsumers {
  private ScoreConsumers() {}

  /**
   * A consumer subscribed to {@code topic} in a new group {@code groupPrefix-UUID}, reading only
   * committed records, from the beginning or from the end; offsets are never committed.
   */
  public static KafkaConsumer<byte[], byte[]> open(
      String bootstrap, String topic, boolean fromBeginning, String groupPrefix) {
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            groupPrefix + "-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            fromBeginning ? "earliest" : "latest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    c.subscribe(List.of(topic));
    return c;
  }
}
