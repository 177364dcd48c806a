package io.vaestream.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.scoring.Device;
import io.vaestream.detector.scoring.OnnxScorer;
import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.detector.scoring.ScorerException;
import io.vaestream.detector.testing.Images;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.schemas.ImageContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full batches scored on an inference thread: scores still leave from the stream thread, in offset
 * order, and images stay in the batch store until their scores are forwarded.
 */
class PipelinedScoringTest {
  @TempDir
  Path dir;

  private final ExecutorService inference = Executors.newSingleThreadExecutor();
  private final CountDownLatch gate = new CountDownLatch(1);
  private final AtomicInteger calls = new AtomicInteger();
  private OnnxScorer onnx;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> images;
  private TestOutputTopic<byte[], AnomalyScore> scores;

  /** The tiny model, behind a gate the test opens, counting finished calls; or failing. */
  private Scorer gated(boolean fail) {
    return new Scorer() {
      @Override
      public ImageContract contract() {
        return onnx.contract();
      }

      @Override
      public ScoreBatch score(float[] tensors, int count) {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (fail) {
          throw new ScorerException(
              "ONNX Runtime failed to score a batch of " + count + ": out of memory");
        }
        ScoreBatch b = onnx.score(tensors, count);
        calls.incrementAndGet();
        return b;
      }

      @Override
      public double threshold() {
        return onnx.threshold();
      }

      @Override
      public String modelName() {
        return onnx.modelName();
      }

      @Override
      public String modelVersion() {
        return onnx.modelVersion();
      }

      @Override
      public void close() {}
    };
  }

  private void start(boolean fail) throws Exception {
    onnx = OnnxScorer.open(TinyVaeModel.write(dir, 0.5), Device.CPU);
    DetectorConfig config = new DetectorConfig(Map.of(
        DetectorConfig.MODEL_PATH,
        dir.resolve("model.onnx").toString(),
        DetectorConfig.BATCH_MAX_SIZE,
        4,
        DetectorConfig.BATCH_MAX_WAIT_MS,
        50,
        StreamsConfig.STATE_DIR_CONFIG,
        dir.resolve("state").toString(),
        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        "at_least_once"));
    DetectorMetrics metrics = DetectorMetrics.noop();
    driver = new TopologyTestDriver(
        DetectorTopology.build(new StreamsBuilder(), config, gated(fail), metrics, inference),
        DetectorTopology.properties(config, metrics));
    images =
        driver.createInputTopic("images", new ByteArraySerializer(), new ByteArraySerializer());
    scores = driver.createOutputTopic(
        "scores", new ByteArrayDeserializer(), AvroSerdes.anomalyScore().deserializer());
  }

  @AfterEach
  void stop() {
    gate.countDown();
    if (driver != null) {
      driver.close();
    }
    inference.shutdownNow();
    if (onnx != null) {
      onnx.close();
    }
  }

  private void send(int i) {
    images.pipeInput(("k" + i).getBytes(StandardCharsets.UTF_8), Images.eventBytes("e" + i, i));
  }

  @Test
  void shouldReadOnWhileABatchIsScoredAndForwardItInOrderOnTheNextRecord() throws Exception {
    start(false);
    KeyValueStore<Long, ?> store = driver.getKeyValueStore(DetectorTopology.BATCH_STORE);
    for (int i = 0; i < 5; i++) {
      send(i);
    }
    // The first four are in flight behind the gate, the fifth waits for the next batch: nothing
    // is forwarded and all five are still in the store.
    assertThat(scores.isEmpty()).isTrue();
    assertThat(store.approximateNumEntries()).isEqualTo(5);

    gate.countDown();
    // The inference thread runs one task at a time, in order: once this one has run, the batch's
    // future is complete.
    inference.submit(() -> {}).get();
    assertThat(calls.get()).isEqualTo(1);
    send(5);
    assertThat(scores.readValuesToList())
        .extracting(AnomalyScore::getEventId)
        .containsExactly("e0", "e1", "e2", "e3");
    assertThat(store.approximateNumEntries()).isEqualTo(2);

    // The timer cuts the last partial batch and forwards it at once: the input is idle.
    driver.advanceWallClockTime(Duration.ofMillis(60));
    assertThat(scores.readValuesToList())
        .extracting(AnomalyScore::getEventId)
        .containsExactly("e4", "e5");
    assertThat(store.approximateNumEntries()).isZero();
  }

  @Test
  void shouldNotLetABatchOvertakeTheOneInFlight() throws Exception {
    start(false);
    gate.countDown();
    for (int i = 0; i < 12; i++) {
      send(i);
    }
    driver.advanceWallClockTime(Duration.ofMillis(60));
    assertThat(scores.readValuesToList())
        .extracting(AnomalyScore::getInputOffset)
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
  }

  @Test
  void shouldRaiseTheScorersFailureOnTheStreamThreadAndKeepTheImages() throws Exception {
    start(true);
    for (int i = 0; i < 4; i++) {
      send(i);
    }
    gate.countDown();
    assertThatThrownBy(() -> driver.advanceWallClockTime(Duration.ofMillis(60)))
        .hasRootCauseInstanceOf(ScorerException.class)
        .rootCause()
        .hasMessageContaining("batch of 4");
    assertThat(scores.isEmpty()).isTrue();
    KeyValueStore<Long, ?> store = driver.getKeyValueStore(DetectorTopology.BATCH_STORE);
    assertThat(store.approximateNumEntries()).isEqualTo(4);
  }
}
