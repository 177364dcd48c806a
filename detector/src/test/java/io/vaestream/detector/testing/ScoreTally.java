package io.vaestream.detector.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.AvroSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.awaitility.Awaitility;

/**
 * Reads a scores topic with read_committed and counts what it sees: scores per input record
 * (partition, offset), which is what exactly-once promises, and scores per event id.
 */
public final class ScoreTally implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final Deserializer<AnomalyScore> scores;
  /** Committed scores per input record, keyed {@code partition@offset}. */
  public final Map<String, Integer> perInput = new HashMap<>();
  /** Committed scores per event id. */
  public final Map<String, Integer> perId = new HashMap<>();

  public ScoreTally(String bootstrap, String topic) {
    this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topic);
  }

  /** A tally whose consumer also takes {@code settings} (bootstrap servers, SASL, …). */
  public ScoreTally(Map<String, Object> settings, String topic) {
    this(settings, topic, AvroSerdes.anomalyScore().deserializer());
  }

  /** A tally of scores in another encoding, read with {@code scores}. */
  public ScoreTally(Map<String, Object> settings, String topic, Deserializer<AnomalyScore> scores) {
    this.topic = topic;
    this.scores = scores;
    Map<String, Object> c = new HashMap<>(settings);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "tally-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
  }

  /** Polls once for {@code wait} and counts what arrived; returns the new scores. */
  public List<AnomalyScore> drain(Duration wait) {
    List<AnomalyScore> fresh = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
      AnomalyScore s = scores.deserialize(topic, r.value());
      perInput.merge(s.getInputPartition() + "@" + s.getInputOffset(), 1, Integer::sum);
      perId.merge(s.getEventId(), 1, Integer::sum);
      fresh.add(s);
    }
    return fresh;
  }

  /**
   * Polls until {@code count} scores of events whose id starts with {@code idPrefix} have arrived,
   * for at most {@code within}; returns them (other scores are counted, not returned).
   */
  public List<AnomalyScore> awaitEvents(String idPrefix, int count, Duration within) {
    List<AnomalyScore> found = new ArrayList<>();
    Awaitility.await().atMost(within).until(() -> {
      drain(Duration.ofMillis(200)).stream()
          .filter(s -> s.getEventId().startsWith(idPrefix))
          .forEach(found::add);
      return found.size() >= count;
    });
    return found;
  }

  /** Asserts that each of {@code records} input records has exactly one committed score. */
  public void assertOneScorePerInputRecord(int records) {
    assertThat(perInput)
        .as("one committed score per input record")
        .hasSize(records)
        .allSatisfy((record, n) -> assertThat(n).as(record).isEqualTo(1));
  }

  /** Asserts that {@code events} distinct events were scored, each input record exactly once. */
  public void assertEveryEventScoredOnce(int events) {
    assertThat(perId).as("events scored").hasSize(events);
    assertThat(perInput.values()).as("committed scores per input record").containsOnly(1);
  }

  /** Polls once for 200 ms; returns how many distinct event ids have been scored so far. */
  public int drain() {
    drain(Duration.ofMillis(200));
    return perId.size();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
