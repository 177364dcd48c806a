package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.preprocess.RejectReason;
import io.vaestream.detector.testing.KafkaBroker;
import io.vaestream.detector.testing.ScoreTally;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.events.DeadLetter;
import io.vaestream.schemas.AvroSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records larger than the producer's and the dead-letter topic's limits, on an input topic that
 * accepts 10 MB: they are dead-lettered (truncated to fit), and every good event around them is
 * scored exactly once. Before the dead letters were sized from those limits, one such record
 * stopped all scoring: its dead letter was refused, the stream thread was replaced, read the same
 * record and failed again.
 */
@Timeout(300)
class OversizedRecordIT {
  private static final int TEN_MB = 10 * 1024 * 1024;
  private static KafkaBroker kafka;

  @TempDir
  static Path dir;

  private static Path model;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = KafkaBroker.shared();
    model = TinyVaeModel.write(dir.resolve("model"), 0.48);
  }

  @Test
  void shouldDeadLetterRecordsOfFiveAndOneAndAHalfMegabytesAndScoreEveryEventAroundThem()
      throws Exception {
    String prefix = TestDetectors.prefix("big");
    String[] topics = TestDetectors.topics(prefix);
    // Input accepts 10 MB; the dead-letter topic keeps the broker's default (about 1 MiB).
    kafka.createTopic(
        topics[0], 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(TEN_MB)));
    kafka.createTopics(1, topics[1], topics[2], topics[3]);
    try (Detector detector = Detector.start(new DetectorConfig(settings(prefix)));
        KafkaProducer<byte[], byte[]> producer = bigProducer();
        ScoreTally scores = new ScoreTally(kafka.bootstrapServers(), topics[1])) {
      TestDetectors.send(producer, topics[0], prefix, 0, 30);
      producer
          .send(new ProducerRecord<>(topics[0], TestDetectors.key("five-mb"), noise(5_000_000, 1)))
          .get();
      TestDetectors.send(producer, topics[0], prefix, 30, 60);
      producer
          .send(new ProducerRecord<>(
              topics[0], TestDetectors.key("one-and-a-half-mb"), noise(1_500_000, 2)))
          .get();
      TestDetectors.send(producer, topics[0], prefix, 60, 90);

      List<DeadLetter> letters = awaitScoresAndLetters(scores, 90, topics[3], 2);
      scores.assertEveryEventScoredOnce(90);
      assertThat(letters).hasSize(2);
      DeadLetter five = letters.get(0);
      assertThat(five.getErrorType()).isEqualTo("TOO_LARGE");
      assertThat(five.getValueSize()).isEqualTo(5_000_000);
      assertThat(five.getValueTruncated()).isTrue();
      assertThat(five.getValue().remaining()).isBetween(900_000, 1024 * 1024);
      DeadLetter oneAndHalf = letters.get(1);
      assertThat(oneAndHalf.getValueSize()).isEqualTo(1_500_000);
      assertThat(oneAndHalf.getValueTruncated()).isTrue();
      assertThat(oneAndHalf.getOffset()).isEqualTo(61L);
      assertThat(detector.metrics().deadLetterFailedCount()).isZero();
    }
  }

  @Test
  void shouldWriteADeadLetterWithoutItsValueWhenTheBrokerRefusesTheWholeOne() throws Exception {
    String prefix = TestDetectors.prefix("refused");
    String[] topics = TestDetectors.topics(prefix);
    kafka.createTopics(1, topics);
    try (Detector detector = Detector.start(new DetectorConfig(settings(prefix)));
        KafkaProducer<byte[], byte[]> producer = bigProducer();
        ScoreTally scores = new ScoreTally(kafka.bootstrapServers(), topics[1])) {
      TestDetectors.send(producer, topics[0], prefix, 0, 20);
      await().atMost(Duration.ofSeconds(60)).until(() -> scores.drain() >= 20);
      // The operator shrinks the dead-letter topic after the detector read its limits.
      kafka.setTopicConfig(topics[3], TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "8192");
      producer
          .send(new ProducerRecord<>(topics[0], TestDetectors.key("garbage"), noise(200_000, 3)))
          .get();
      TestDetectors.send(producer, topics[0], prefix, 20, 40);

      List<DeadLetter> letters = awaitScoresAndLetters(scores, 40, topics[3], 1);
      scores.assertEveryEventScoredOnce(40);
      assertThat(letters).singleElement().satisfies(l -> {
        assertThat(l.getValue()).isNull();
        assertThat(l.getValueSize()).isEqualTo(200_000);
        assertThat(l.getOffset()).isEqualTo(20L);
        assertThat(l.getReason()).contains("value left out");
      });
      assertThat(detector.metrics().deadLetterFailedCount()).isPositive();
      assertThat(detector
              .metrics()
              .deadLetterCount(RejectReason.valueOf(letters.get(0).getErrorType())))
          .as("one bad record, counted once though it was read again after its letter was refused")
          .isEqualTo(1);
    }
  }

  /**
   * Under {@code dlq.failure.policy=fail} the same refused dead letter stops streaming for good, and
   * the detector says so, so that the process can end: it used to stay up, scoring nothing, with
   * nothing for a supervisor to restart.
   */
  @Test
  void shouldStopForGoodUnderTheFailPolicyWhenADeadLetterIsRefused() throws Exception {
    String prefix = TestDetectors.prefix("fatal");
    String[] topics = TestDetectors.topics(prefix);
    kafka.createTopics(1, topics);
    Map<String, Object> p = settings(prefix);
    p.put(DetectorConfig.DLQ_FAILURE_POLICY, "fail");
    try (Detector detector = Detector.start(new DetectorConfig(p));
        KafkaProducer<byte[], byte[]> producer = bigProducer();
        ScoreTally scores = new ScoreTally(kafka.bootstrapServers(), topics[1])) {
      TestDetectors.send(producer, topics[0], prefix, 0, 10);
      await().atMost(Duration.ofSeconds(60)).until(() -> scores.drain() >= 10);
      kafka.setTopicConfig(topics[3], TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "8192");
      producer
          .send(new ProducerRecord<>(topics[0], TestDetectors.key("garbage"), noise(200_000, 3)))
          .get();

      String why = detector.stoppedForGood().get(120, TimeUnit.SECONDS);
      assertThat(why).contains("dlq.failure.policy=fail");
      scores.assertEveryEventScoredOnce(10);
    }
  }

  private static Map<String, Object> settings(String prefix) {
    Map<String, Object> p =
        TestDetectors.settings(kafka, model, prefix, dir.resolve("state-" + prefix));
    // The consumer must be able to fetch the large input records.
    p.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 2 * TEN_MB);
    return p;
  }

  /**
   * Waits until {@code events} events are scored and {@code count} dead letters are on {@code dlq},
   * then reads on for 2 s; returns the dead letters.
   */
  private static List<DeadLetter> awaitScoresAndLetters(
      ScoreTally scores, int events, String dlq, int count) {
    List<DeadLetter> letters = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        TestDetectors.readCommitted(kafka.bootstrapServers(), dlq)) {
      await().atMost(Duration.ofSeconds(120)).until(() -> {
        poll(consumer, dlq, letters);
        return scores.drain() >= events && letters.size() >= count;
      });
      scores.drain(Duration.ofSeconds(2));
      poll(consumer, dlq, letters);
    }
    return letters;
  }

  private static void poll(KafkaConsumer<byte[], byte[]> dlq, String topic, List<DeadLetter> into) {
    for (ConsumerRecord<byte[], byte[]> r : dlq.poll(Duration.ofMillis(200))) {
      into.add(AvroSerdes.deadLetter().deserializer().deserialize(topic, r.value()));
    }
  }

  private static KafkaProducer<byte[], byte[]> bigProducer() {
    return TestDetectors.oneInFlightProducer(
        kafka.bootstrapServers(), Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * TEN_MB));
  }

  private static byte[] noise(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    // Random bytes that no decoder takes for an image: not Avro's C3 01, not PNG, not JPEG.
    b[0] = 'x';
    return b;
  }
}
