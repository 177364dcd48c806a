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
import io.vaestream.detector.testing.DetectorDriver;
import io.vaestream.detector.testing.ForwardingScorer;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.events.AnomalyScore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.StreamsBuilder;
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
  private DetectorDriver detector;
  private TopologyTestDriver driver;
  private TestOutputTopic<byte[], AnomalyScore> scores;

  /** The tiny model, behind a gate the test opens, counting finished calls; or failing. */
  private Scorer gated(boolean fail) {
    return new ForwardingScorer(onnx) {
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
        ScoreBatch b = super.score(tensors, count);
        calls.incrementAndGet();
        return b;
      }
    };
  }

  private void start(boolean fail) throws Exception {
    onnx = OnnxScorer.open(TinyVaeModel.write(dir, 0.5), Device.CPU);
    DetectorConfig config = DetectorDriver.config(dir, Map.of());
    DetectorMetrics metrics = DetectorMetrics.noop();
    detector = new DetectorDriver(
        DetectorTopology.build(new StreamsBuilder(), config, gated(fail), metrics, inference),
        config,
        metrics);
    driver = detector.driver();
    scores = detector.scores();
  }

  @AfterEach
  void stop() {
    gate.countDown();
    if (detector != null) {
      detector.close();
    }
    inference.shutdownNow();
    if (onnx != null) {
      onnx.close();
    }
  }

  @Test
  void shouldReadOnWhileABatchIsScoredAndForwardItInOrderOnTheNextRecord() throws Exception {
    start(false);
    KeyValueStore<Long, ?> store = driver.getKeyValueStore(DetectorTopology.BATCH_STORE);
    for (int i = 0; i < 5; i++) {
      detector.send(i);
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
    detector.send(5);
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
      detector.send(i);
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
      detector.send(i);
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
