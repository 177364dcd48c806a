package io.vaestream.detector.topology;

import static io.vaestream.detector.testing.DetectorDriver.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.preprocess.RejectReason;
import io.vaestream.detector.scoring.Device;
import io.vaestream.detector.scoring.OnnxScorer;
import io.vaestream.detector.testing.BadRecords;
import io.vaestream.detector.testing.DetectorDriver;
import io.vaestream.detector.testing.Images;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.events.AnomalyScore;
import io.vaestream.events.DeadLetter;
import io.vaestream.schemas.AvroSerdes;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectorTopologyTest {
  /** Between the scores of the seeded test images, so some are flagged and some are not. */
  private static final double THRESHOLD = 0.48;

  @TempDir
  Path dir;

  private OnnxScorer scorer;
  private DetectorDriver detector;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> images;
  private TestOutputTopic<byte[], AnomalyScore> scores;
  private TestOutputTopic<byte[], AnomalyScore> anomalies;
  private TestOutputTopic<byte[], DeadLetter> dlq;
  private DetectorMetrics metrics;
  private DetectorConfig config;

  @BeforeEach
  void start() throws Exception {
    scorer = OnnxScorer.open(TinyVaeModel.write(dir, THRESHOLD), Device.CPU);
    config = DetectorDriver.config(dir, Map.of(DetectorConfig.DLQ_MAX_VALUE_BYTES, 64));
    metrics = DetectorMetrics.noop();
    detector = new DetectorDriver(
        DetectorTopology.build(new StreamsBuilder(), config, scorer, metrics), config, metrics);
    driver = detector.driver();
    images = detector.images();
    scores = detector.scores();
    anomalies = detector.anomalies();
    dlq = detector.deadLetters();
  }

  @AfterEach
  void stop() {
    detector.close();
    scorer.close();
  }

  @Test
  void shouldScoreEveryEventOnceWhenItsBatchFills() {
    for (int i = 0; i < 8; i++) {
      detector.send(i);
    }
    List<AnomalyScore> out = scores.readValuesToList();
    assertThat(out)
        .extracting(AnomalyScore::getEventId)
        .containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7");
    for (int i = 0; i < 8; i++) {
      AnomalyScore s = out.get(i);
      assertThat(s.getScore()).isCloseTo(TinyVaeModel.score(Images.tensor(i)), offset(1e-5));
      assertThat(s.getIsAnomaly()).isEqualTo(s.getScore() > THRESHOLD);
      assertThat(s.getThreshold()).isEqualTo(THRESHOLD);
      assertThat(s.getModelName()).isEqualTo("tiny");
      assertThat(s.getLabel()).isEqualTo("3");
      assertThat(s.getInputOffset()).isEqualTo(i);
      assertThat(s.getAttributes()).containsEntry("line", "A");
    }
    assertThat(metrics.scoredCount()).isEqualTo(8);
    assertThat(out).anyMatch(AnomalyScore::getIsAnomaly).anyMatch(s -> !s.getIsAnomaly());
  }

  @Test
  void shouldSendOnlyFlaggedEventsToAnomalies() {
    for (int i = 0; i < 8; i++) {
      detector.send(i);
    }
    List<AnomalyScore> all = scores.readValuesToList();
    List<AnomalyScore> flagged = anomalies.readValuesToList();
    assertThat(flagged)
        .isNotEmpty()
        .containsExactlyElementsOf(
            all.stream().filter(AnomalyScore::getIsAnomaly).toList());
  }

  @Test
  void shouldHoldAPartialBatchInTheStoreUntilMaxWaitPasses() {
    images.pipeInput(key(1), Images.eventBytes("a", 1));
    images.pipeInput(key(2), Images.eventBytes("b", 2));
    assertThat(scores.isEmpty()).isTrue();
    KeyValueStore<Long, ?> store = driver.getKeyValueStore(DetectorTopology.BATCH_STORE);
    assertThat(store.approximateNumEntries()).isEqualTo(2);

    driver.advanceWallClockTime(Duration.ofMillis(60));
    assertThat(scores.readValuesToList())
        .extracting(AnomalyScore::getEventId)
        .containsExactly("a", "b");
    assertThat(store.approximateNumEntries()).isZero();
  }

  @Test
  void shouldScorePlainPngValuesUnderTheirKey() {
    AnomalyScore s = scorePlain("cam-7", Images.png(28, 28, BufferedImage.TYPE_BYTE_GRAY));
    assertThat(s.getScore()).isCloseTo(TinyVaeModel.score(new float[784]), offset(1e-5));
  }

  @Test
  void shouldScorePlainJpegValuesUnderTheirKey() {
    AnomalyScore s = scorePlain("cam-9", Images.jpeg(28, 28, BufferedImage.TYPE_BYTE_GRAY));
    // A black JPEG decodes to (nearly) black pixels: the score of an all-zero image.
    assertThat(s.getScore()).isCloseTo(TinyVaeModel.score(new float[784]), offset(1e-3));
  }

  /** Sends a plain image file under {@code key} and returns its score, which it checks is keyed so. */
  private AnomalyScore scorePlain(String key, byte[] file) {
    images.pipeInput(key.getBytes(StandardCharsets.UTF_8), file);
    driver.advanceWallClockTime(Duration.ofMillis(60));
    AnomalyScore s = scores.readValue();
    assertThat(s.getEventId()).isEqualTo(key);
    return s;
  }

  @Test
  void shouldDeadLetterBadRecordsWithReasonBytesAndCoordinates() {
    byte[] garbage = "definitely not an image, and longer than sixty-four bytes for sure.........."
        .getBytes(StandardCharsets.UTF_8);
    images.pipeInput(key(1), garbage);
    images.pipeInput(key(2), new byte[0]);
    images.pipeInput(key(3), Images.png(100, 100, BufferedImage.TYPE_BYTE_GRAY));
    images.pipeInput(
        key(4),
        AvroSerdes.encode(
            Images.event("short", new byte[10], 28, 28, io.vaestream.events.PixelFormat.GRAY8, 1)));
    images.pipeInput(key(5), Images.eventBytes("good", 5));
    driver.advanceWallClockTime(Duration.ofMillis(60));

    List<DeadLetter> letters = dlq.readValuesToList();
    assertThat(letters)
        .extracting(DeadLetter::getErrorType)
        .containsExactly(
            RejectReason.UNKNOWN_FORMAT.name(),
            RejectReason.EMPTY_VALUE.name(),
            RejectReason.WRONG_DIMENSIONS.name(),
            RejectReason.SIZE_MISMATCH.name());
    DeadLetter first = letters.get(0);
    assertThat(first.getTopic()).isEqualTo("images");
    assertThat(first.getOffset()).isZero();
    assertThat(first.getStage()).isEqualTo("deserialize");
    assertThat(first.getValueSize()).isEqualTo(garbage.length);
    assertThat(first.getValueTruncated()).isTrue();
    assertThat(first.getValue().remaining()).isEqualTo(64);
    assertThat(first.getReason()).contains("neither Avro");
    assertThat(letters.get(2).getReason()).contains("100x100");
    assertThat(letters.get(2).getEventId())
        .as("a PNG's event id is its key")
        .isEqualTo(new String(key(3), StandardCharsets.UTF_8));
    assertThat(letters.get(0).getEventId()).as("not a PNG: no event id").isNull();
    assertThat(letters.get(3).getEventId()).isEqualTo("short");
    assertThat(metrics.deadLetterCount(RejectReason.EMPTY_VALUE)).isEqualTo(1);

    assertThat(scores.readValuesToList())
        .extracting(AnomalyScore::getEventId)
        .containsExactly("good");
  }

  /**
   * A key too large to copy to every score: dead-lettered with its size, its letter's event id
   * (a PNG's key) cut short, and the events after it scored. It once stopped the stream thread on
   * every retry, as the batch store could not write an id of more than 65,535 bytes.
   */
  @Test
  void shouldDeadLetterAKeyTooLargeToCopyToAScore() {
    byte[] key = "k".repeat(70_000).getBytes(StandardCharsets.UTF_8);
    images.pipeInput(key, Images.png(28, 28, BufferedImage.TYPE_BYTE_GRAY));
    images.pipeInput(key(1), Images.eventBytes("after", 1));
    driver.advanceWallClockTime(Duration.ofMillis(60));

    DeadLetter letter = dlq.readValue();
    assertThat(letter.getErrorType()).isEqualTo(RejectReason.METADATA_TOO_LARGE.name());
    assertThat(letter.getReason()).contains("the record key is 70,000 bytes");
    assertThat(letter.getEventId()).startsWith("kkk").endsWith("…");
    assertThat(letter.getEventId().getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(512);
    assertThat(scores.readValuesToList())
        .extracting(AnomalyScore::getEventId)
        .containsExactly("after");
  }

  @Test
  void shouldDeadLetterEveryKindOfBadRecordAndKeepScoring() {
    List<BadRecords.Case> corpus = BadRecords.all(config.maxRecordBytes());
    for (int i = 0; i < corpus.size(); i++) {
      images.pipeInput(key(i), corpus.get(i).value());
      images.pipeInput(key(1000 + i), Images.eventBytes("after-" + i, i));
    }
    driver.advanceWallClockTime(Duration.ofMillis(60));
    List<DeadLetter> letters = dlq.readValuesToList();
    assertThat(letters).hasSize(corpus.size());
    for (int i = 0; i < corpus.size(); i++) {
      BadRecords.Case c = corpus.get(i);
      DeadLetter l = letters.get(i);
      assertThat(l.getErrorType()).as(c.name()).isEqualTo(c.reason().name());
      assertThat(l.getOffset()).as(c.name()).isEqualTo(2L * i);
      assertThat(l.getKey()).as(c.name()).isEqualTo(java.nio.ByteBuffer.wrap(key(i)));
      assertThat(l.getReason()).as(c.name()).isNotBlank();
      int size = c.value() == null ? 0 : c.value().length;
      assertThat(l.getValueSize()).as(c.name()).isEqualTo(size);
      if (size > 0 && size <= 64) {
        assertThat(l.getValue()).as(c.name()).isEqualTo(java.nio.ByteBuffer.wrap(c.value()));
      }
    }
    assertThat(scores.readValuesToList()).hasSize(corpus.size());
    java.util.Set<RejectReason> covered = java.util.EnumSet.noneOf(RejectReason.class);
    corpus.forEach(c -> covered.add(c.reason()));
    // INCOMPATIBLE_SCHEMA needs a registry to give the schema: SchemaRegistryIT covers it;
    // MODEL_CHANGED a store written for another model: RestoredImagesTest.
    assertThat(covered)
        .containsAll(java.util.EnumSet.complementOf(java.util.EnumSet.of(
            RejectReason.INTERNAL, RejectReason.INCOMPATIBLE_SCHEMA, RejectReason.MODEL_CHANGED)));
  }
}
