package io.vaestream.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.errors.DeadLetterLimits;
import io.vaestream.detector.errors.DeadLetters;
import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.preprocess.ImageInput;
import io.vaestream.detector.preprocess.RejectReason;
import io.vaestream.detector.scoring.Device;
import io.vaestream.detector.scoring.OnnxScorer;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.detector.topology.internal.PendingImage;
import io.vaestream.detector.topology.internal.PendingImageSerde;
import io.vaestream.events.DeadLetter;
import io.vaestream.events.PixelFormat;
import io.vaestream.schemas.AvroSerdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images left in the batch store by a detector that ran another model. Before they were checked
 * on restore, one the model in use could not take failed every batch it was in, and every restart
 * restored it first: the task never scored again.
 */
class RestoredImagesTest {
  @TempDir
  Path dir;

  private static PendingImage stored(long offset, int side) {
    ImageInput image = new ImageInput(
        "e" + offset,
        "cam",
        1L,
        null,
        null,
        Map.of(),
        PixelFormat.GRAY8,
        new byte[side * side],
        side,
        side);
    return new PendingImage(
        ("k" + offset).getBytes(StandardCharsets.UTF_8), image, "images", 0, offset, 7L, 0L);
  }

  /** A context that finds the dead-letter writer where the topology puts it. */
  private static MockProcessorContext<byte[], Scored> context() {
    Properties props = new Properties();
    props.put(
        DetectorConfig.DEAD_LETTERS_INSTANCE,
        new DeadLetters("images.dlq", DeadLetterLimits.defaults(1 << 20)));
    MockProcessorContext<byte[], Scored> context = new MockProcessorContext<>(props);
    context.setCurrentSystemTimeMs(1_000);
    return context;
  }

  /** The batch store, in memory, opened in {@code context}. */
  private static KeyValueStore<Long, PendingImage> store(
      MockProcessorContext<byte[], Scored> context) {
    KeyValueStore<Long, PendingImage> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(DetectorTopology.BATCH_STORE),
            Serdes.Long(),
            PendingImageSerde.serde())
        .withLoggingDisabled()
        .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }

  /** Batches of up to 4 scored on the calling thread, cut after 50 ms. */
  private static BatchScoringProcessor processor(OnnxScorer scorer, DetectorMetrics metrics) {
    return new BatchScoringProcessor(
        DetectorTopology.BATCH_STORE,
        scorer,
        4,
        Duration.ofMillis(50),
        metrics,
        Runnable::run,
        BatchListener.NONE);
  }

  @Test
  void shouldDeadLetterARestoredImageReadForAnotherModelAndScoreTheRest() throws Exception {
    DetectorMetrics metrics = DetectorMetrics.noop();
    MockProcessorContext<byte[], Scored> context = context();
    KeyValueStore<Long, PendingImage> store = store(context);
    store.put(5L, stored(5, 8)); // read for an 8 x 8 model
    store.put(6L, stored(6, 28));

    try (OnnxScorer scorer = OnnxScorer.open(TinyVaeModel.write(dir, 0.5), Device.CPU)) {
      BatchScoringProcessor processor = processor(scorer, metrics);
      processor.init(context);
      context.scheduledPunctuators().get(0).getPunctuator().punctuate(1_000);
    }

    List<CapturedForward<? extends byte[], ? extends Scored>> out = context.forwarded();
    assertThat(out).hasSize(2);
    Scored letter = out.get(0).record().value();
    assertThat(letter.score()).isNull();
    DeadLetter d =
        AvroSerdes.deadLetter().deserializer().deserialize("images.dlq", letter.deadLetter());
    assertThat(d.getErrorType()).isEqualTo(RejectReason.MODEL_CHANGED.name());
    assertThat(d.getOffset()).isEqualTo(5L);
    assertThat(d.getStage()).isEqualTo("restore");
    assertThat(d.getEventId()).isEqualTo("e5");
    assertThat(d.getReason()).contains("64 GRAY8 bytes", "28x28x1", "images-0@5");
    assertThat(out.get(0).record().key()).isEqualTo("k5".getBytes(StandardCharsets.UTF_8));
    assertThat(out.get(1).record().value().score().getEventId()).isEqualTo("e6");
    assertThat(metrics.deadLetterCount(RejectReason.MODEL_CHANGED)).isEqualTo(1);
    assertThat(store.approximateNumEntries()).isZero();
  }

  /**
   * Kafka Streams revives a task closed dirty (a commit that timed out while a broker restarted)
   * with the same processor, after restoring its store from the changelog, which no longer holds
   * the images of the aborted transaction. The processor kept them and scored them, and they were
   * read again from the input: the same event scored twice, under exactly-once.
   */
  @Test
  void shouldScoreOnlyWhatTheStoreHoldsWhenItsTaskIsRevived() throws Exception {
    DetectorMetrics metrics = DetectorMetrics.noop();
    MockProcessorContext<byte[], Scored> first = context();
    KeyValueStore<Long, PendingImage> store = store(first);
    store.put(5L, stored(5, 8)); // read for an 8 x 8 model: dead-lettered once, not twice
    store.put(6L, stored(6, 28));
    store.put(7L, stored(7, 28));

    MockProcessorContext<byte[], Scored> revived = context();
    revived.addStateStore(store);
    try (OnnxScorer scorer = OnnxScorer.open(TinyVaeModel.write(dir, 0.5), Device.CPU)) {
      BatchScoringProcessor processor = processor(scorer, metrics);
      processor.init(first);
      processor.close();
      store.delete(7L); // written in the transaction that was aborted
      processor.init(revived);
      revived.scheduledPunctuators().get(0).getPunctuator().punctuate(1_000);
    }

    assertThat(first.forwarded()).isEmpty();
    List<CapturedForward<? extends byte[], ? extends Scored>> out = revived.forwarded();
    assertThat(out).hasSize(2);
    assertThat(out.get(0).record().value().score()).isNull();
    assertThat(out.get(1).record().value().score().getEventId()).isEqualTo("e6");
    assertThat(metrics.deadLetterCount(RejectReason.MODEL_CHANGED)).isEqualTo(1);
    assertThat(store.approximateNumEntries()).isZero();
  }
}
