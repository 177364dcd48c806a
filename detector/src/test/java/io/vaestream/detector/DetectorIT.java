package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.scoring.Device;
import io.vaestream.detector.scoring.OnnxScorer;
import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.detector.testing.Images;
import io.vaestream.detector.testing.KafkaBroker;
import io.vaestream.detector.testing.ScoreTally;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.events.AnomalyScore;
import io.vaestream.events.DeadLetter;
import io.vaestream.schemas.AvroSerdes;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector against a real broker (a Kafka container where Docker runs, the embedded KRaft
 * broker elsewhere), under exactly_once_v2.
 */
@Timeout(300)
class DetectorIT {
  private static final double THRESHOLD = 0.48;
  private static KafkaBroker kafka;

  @TempDir
  static Path dir;

  private static Path model;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = KafkaBroker.shared();
    model = TinyVaeModel.write(dir.resolve("model"), THRESHOLD);
  }

  private static DetectorConfig config(String prefix) {
    return new DetectorConfig(
        TestDetectors.settings(kafka, model, prefix, dir.resolve("state-" + prefix)));
  }

  @Test
  void shouldScoreEveryImageExactlyOnceAndDeadLetterTheBadOnes() throws Exception {
    String prefix = TestDetectors.createTopics(kafka, "detector", 3);
    String images = TestDetectors.images(prefix);
    String dlqTopic = prefix + "-dlq";
    int n = 1000;
    try (Detector detector = Detector.start(config(prefix))) {
      try (KafkaProducer<byte[], byte[]> producer = producer()) {
        for (int i = 0; i < n; i++) {
          producer.send(TestDetectors.event(images, "e", i));
          if (i % 100 == 50) {
            producer.send(new ProducerRecord<>(
                images,
                TestDetectors.key("bad" + i),
                ("garbage " + i).getBytes(StandardCharsets.UTF_8)));
          }
        }
        producer.send(new ProducerRecord<>(images, TestDetectors.key("empty"), new byte[0]));
        producer.send(new ProducerRecord<>(
            images, TestDetectors.key("big"), Images.png(50, 64, BufferedImage.TYPE_BYTE_GRAY)));
      }
      Map<String, List<AnomalyScore>> byId = new HashMap<>();
      Map<String, Integer> perInput = new HashMap<>();
      List<DeadLetter> letters = new ArrayList<>();
      String scoresTopic = TestDetectors.scores(prefix);
      try (KafkaConsumer<byte[], byte[]> scores = consumer(scoresTopic);
          KafkaConsumer<byte[], byte[]> dlq = consumer(dlqTopic)) {
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> {
              for (ConsumerRecord<byte[], byte[]> r : scores.poll(Duration.ofMillis(200))) {
                AnomalyScore s =
                    AvroSerdes.anomalyScore().deserializer().deserialize(scoresTopic, r.value());
                byId.computeIfAbsent(s.getEventId(), k -> new ArrayList<>()).add(s);
                perInput.merge(coordinates(s), 1, Integer::sum);
              }
              for (ConsumerRecord<byte[], byte[]> r : dlq.poll(Duration.ofMillis(50))) {
                letters.add(
                    AvroSerdes.deadLetter().deserializer().deserialize(dlqTopic, r.value()));
              }
              return byId.size() >= n && letters.size() >= 12;
            });
        // Nothing more arrives: no duplicates hiding behind the first copies.
        for (ConsumerRecord<byte[], byte[]> r : scores.poll(Duration.ofSeconds(2))) {
          AnomalyScore s =
              AvroSerdes.anomalyScore().deserializer().deserialize(scoresTopic, r.value());
          byId.computeIfAbsent(s.getEventId(), k -> new ArrayList<>()).add(s);
          perInput.merge(coordinates(s), 1, Integer::sum);
        }
      }
      assertThat(byId).hasSize(n);
      assertThat(perInput.values()).as("scores per input record").containsOnly(1);
      try (OnnxScorer offline = OnnxScorer.open(model, Device.CPU)) {
        for (int i = 0; i < n; i++) {
          AnomalyScore s = byId.get("e" + i).get(0);
          ScoreBatch ref = offline.score(Images.tensor(i), 1);
          assertThat(s.getScore()).isCloseTo(ref.score()[0], offset(1e-5));
          assertThat(s.getIsAnomaly()).isEqualTo(s.getScore() > THRESHOLD);
        }
      }
      assertThat(letters).hasSizeGreaterThanOrEqualTo(12);
      assertThat(letters)
          .extracting(DeadLetter::getErrorType)
          .containsOnly("UNKNOWN_FORMAT", "EMPTY_VALUE", "WRONG_DIMENSIONS");
      assertThat(letters).allSatisfy(l -> assertThat(l.getTopic()).isEqualTo(images));
      assertThat(detector.metrics().scoredCount()).isEqualTo(perInput.size());
    }
  }

  @Test
  void shouldResumeAfterARestartWithoutLosingOrRepeatingAnImage() throws Exception {
    String prefix = TestDetectors.createTopics(kafka, "restart", 2);
    String images = TestDetectors.images(prefix);
    try (KafkaProducer<byte[], byte[]> producer = producer();
        ScoreTally scores =
            new ScoreTally(kafka.bootstrapServers(), TestDetectors.scores(prefix))) {
      try (Detector first = Detector.start(config(prefix))) {
        TestDetectors.send(producer, images, "r", 0, 300);
        await().atMost(Duration.ofSeconds(60)).until(() -> scores.drain() >= 100);
      }
      TestDetectors.send(producer, images, "r", 300, 600);
      try (Detector second = Detector.start(config(prefix))) {
        await().atMost(Duration.ofSeconds(90)).until(() -> scores.drain() >= 600);
        scores.drain();
      }
      scores.assertEveryEventScoredOnce(600);
    }
  }

  @Test
  void shouldShareThePartitionsBetweenTwoDetectors() throws Exception {
    String prefix = TestDetectors.createTopics(kafka, "share", 4);
    DetectorConfig base = config(prefix);
    Map<String, Object> second = new HashMap<>(base.originals());
    second.put(
        StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state-" + prefix + "-b").toString());
    try (Detector a = Detector.start(base);
        Detector b = Detector.start(new DetectorConfig(second));
        KafkaProducer<byte[], byte[]> producer = producer();
        ScoreTally scores =
            new ScoreTally(kafka.bootstrapServers(), TestDetectors.scores(prefix))) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> a.streams().state() == KafkaStreams.State.RUNNING
              && b.streams().state() == KafkaStreams.State.RUNNING
              && !a.streams()
                  .metadataForLocalThreads()
                  .iterator()
                  .next()
                  .activeTasks()
                  .isEmpty()
              && !b.streams()
                  .metadataForLocalThreads()
                  .iterator()
                  .next()
                  .activeTasks()
                  .isEmpty());
      TestDetectors.send(producer, TestDetectors.images(prefix), "s", 0, 400);
      await().atMost(Duration.ofSeconds(90)).until(() -> scores.drain() >= 400);
      assertThat(a.metrics().scoredCount()).isPositive();
      assertThat(b.metrics().scoredCount()).isPositive();
      assertThat(a.metrics().scoredCount() + b.metrics().scoredCount())
          .isEqualTo(scores.perInput.size());
      scores.assertEveryEventScoredOnce(400);
    }
  }

  /** The test's own producer: {@link TestDetectors#oneInFlightProducer}, lingering 5 ms. */
  private static KafkaProducer<byte[], byte[]> producer() {
    return TestDetectors.oneInFlightProducer(
        kafka.bootstrapServers(), Map.of(ProducerConfig.LINGER_MS_CONFIG, 5));
  }

  private static String coordinates(AnomalyScore s) {
    return s.getInputPartition() + "@" + s.getInputOffset();
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String topic) {
    return TestDetectors.readCommitted(kafka.bootstrapServers(), topic);
  }
}
