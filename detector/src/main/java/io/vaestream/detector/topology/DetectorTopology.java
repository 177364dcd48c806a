package io.vaestream.detector.topology;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.errors.DeadLetterFailureHandler;
import io.vaestream.detector.errors.DeadLetterFailures;
import io.vaestream.detector.errors.DeadLetterHandler;
import io.vaestream.detector.errors.DeadLetterLimits;
import io.vaestream.detector.errors.DeadLetters;
import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.preprocess.EventText;
import io.vaestream.detector.preprocess.ImageInput;
import io.vaestream.detector.preprocess.ImagePreprocessor;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.detector.topology.internal.PendingImageSerde;
import io.vaestream.events.AnomalyScore;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The detector's Streams graph:
 *
 * <pre>
 *   images ──(ImagePreprocessor; bad records → DeadLetterHandler → images.dlq)
 *          ──► score-batches [batch store] ──► (without map and boxes) ──► scores
 *                                         ├──► (is_anomaly, with map and boxes) ──► anomalies
 *                                         └──► (restored, for another model's input) ──► images.dlq
 * </pre>
 *
 * Built in a static method, apart from {@code main}, so that {@code TopologyTestDriver} tests use
 * exactly the production graph and properties.
 */
public final class DetectorTopology {
  /** The changelogged store that holds images until their batch is scored. */
  public static final String BATCH_STORE = "batch-store";

  private DetectorTopology() {}

  /** The graph with inference on the stream thread (deterministic, for {@code TopologyTestDriver}). */
  public static Topology build(
      StreamsBuilder builder, DetectorConfig config, Scorer scorer, DetectorMetrics metrics) {
    return build(builder, config, scorer, metrics, Runnable::run);
  }

  /**
   * The graph; full batches are scored on {@code inference} while the stream thread reads on
   * ({@code Runnable::run} scores on the stream thread).
   */
  public static Topology build(
      StreamsBuilder builder,
      DetectorConfig config,
      Scorer scorer,
      DetectorMetrics metrics,
      Executor inference) {
    return build(
        builder, config, scorer, metrics, inference, EventFormats.of(config), BatchListener.NONE);
  }

  /**
   * The graph, reading and writing events in {@code formats} and telling {@code listener} of every
   * batch it has scored (shadow scoring, drift).
   */
  public static Topology build(
      StreamsBuilder builder,
      DetectorConfig config,
      Scorer scorer,
      DetectorMetrics metrics,
      Executor inference,
      EventFormats formats,
      BatchListener listener) {
    builder.addStateStore(Stores.keyValueStoreBuilder(
            config.persistentBatchStore()
                ? Stores.persistentKeyValueStore(BATCH_STORE)
                : Stores.inMemoryKeyValueStore(BATCH_STORE),
            Serdes.Long(),
            PendingImageSerde.serde())
        .withCachingEnabled()
        .withLoggingEnabled(Map.of()));

    ImagePreprocessor pre =
        new ImagePreprocessor(scorer.contract(), config.maxRecordBytes(), formats.registry());
    Serde<ImageInput> images = Serdes.serdeFrom(
        (topic, v) -> {
          throw new UnsupportedOperationException("ImageInput is never written");
        },
        pre.deserializer());
    Serde<AnomalyScore> scoreSerde = formats.scores();
    // a key too large to copy to every score is dead-lettered, like a bad value
    Serde<byte[]> keys =
        Serdes.serdeFrom(Serdes.ByteArray().serializer(), (topic, k) -> EventText.checkKey(k));

    KStream<byte[], Scored> scored = builder.stream(
            config.inputTopic(), Consumed.with(keys, images).withName("images"))
        .process(
            () -> new BatchScoringProcessor(
                BATCH_STORE,
                scorer,
                config.batchMaxSize(),
                Duration.ofMillis(config.batchMaxWaitMs()),
                metrics,
                inference,
                listener),
            Named.as("score-batches"),
            BATCH_STORE);
    // the map and boxes go to 'anomalies' only, so that every event on 'scores' stays small
    scored
        .filter((k, s) -> s.score() != null, Named.as("scored"))
        .mapValues(Scored::score, Named.as("score"))
        .to(config.scoresTopic(), Produced.with(Serdes.ByteArray(), scoreSerde).withName("scores"));
    scored
        .filter((k, s) -> s.flagged() != null, Named.as("flagged"))
        .mapValues(Scored::flagged, Named.as("with-localization"))
        .to(
            config.anomaliesTopic(),
            Produced.with(Serdes.ByteArray(), scoreSerde).withName("anomalies"));
    // images restored from the batch store that the model in use cannot take
    scored
        .filter((k, s) -> s.deadLetter() != null, Named.as("unscorable"))
        .mapValues(Scored::deadLetter, Named.as("dead-letter"))
        .to(
            config.dlqTopic(),
            Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("dead-letters"));
    return builder.build();
  }

  /**
   * Streams properties for {@code config}, with the dead-letter handlers wired in; dead letters
   * sized for a dead-letter topic that accepts what the producer sends.
   */
  public static Properties properties(DetectorConfig config, DetectorMetrics metrics) {
    return properties(
        config,
        metrics,
        DeadLetterLimits.of(
            config.dlqMaxValueBytes(), config.producerMaxRequestSize(), Integer.MAX_VALUE));
  }

  /** Streams properties for {@code config}, with dead letters that fit {@code limits}. */
  public static Properties properties(
      DetectorConfig config, DetectorMetrics metrics, DeadLetterLimits limits) {
    return properties(
        config,
        metrics,
        new DeadLetters(config.dlqTopic(), limits, EventFormats.of(config).deadLetters()),
        new DeadLetterFailures(config.dlqFailurePolicy()));
  }

  /**
   * Streams properties for {@code config}, writing dead letters with {@code letters} and keeping
   * track of those that failed in {@code failures}, which outlive a restart of Kafka Streams.
   */
  public static Properties properties(
      DetectorConfig config,
      DetectorMetrics metrics,
      DeadLetters letters,
      DeadLetterFailures failures) {
    Properties p = config.streamsProperties();
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
    p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterFailureHandler.class);
    p.put(DetectorConfig.DEAD_LETTERS_INSTANCE, letters);
    p.put(DetectorConfig.DEAD_LETTER_FAILURES_INSTANCE, failures);
    p.put(DetectorMetrics.CONFIG_KEY, metrics);
    return p;
  }
}
