package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.scoring.Device;
import io.vaestream.detector.scoring.OnnxScorer;
import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.detector.testing.DetectorHttp;
import io.vaestream.detector.testing.ForwardingScorer;
import io.vaestream.detector.testing.KafkaBroker;
import io.vaestream.detector.testing.ScoreTally;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.detector.testing.TinyVaeModel;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scorer that fails: each failure makes the detector restart its Kafka Streams client, which
 * reads the same records again. A scorer that fails every batch is a crash loop in which the
 * process stays alive; {@code /ready} must say the truth within 30 s. A scorer that fails a few
 * times and recovers must lose and repeat nothing, and no stream thread may outlive the detector.
 */
@Timeout(180)
class CrashLoopIT {
  @TempDir
  Path dir;

  @Test
  void shouldTurnNotReadyWithinThirtySecondsOfACrashLoop() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    String prefix = TestDetectors.createTopics(kafka, "loop", 1);
    int port = TestDetectors.freePort();
    Map<String, Object> p = settings(kafka, prefix);
    p.put(DetectorConfig.HTTP_PORT, port);
    p.put(DetectorConfig.INFERENCE_PIPELINED, false);
    Path model = TinyVaeModel.write(dir.resolve("model"), 0.48);
    try (OnnxScorer real = OnnxScorer.open(model, Device.CPU);
        Detector detector =
            Detector.start(new DetectorConfig(p), new FlakyScorer(real, Integer.MAX_VALUE))) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> DetectorHttp.get(port, "/ready").statusCode() == 200);
      long t0 = System.nanoTime();
      try (KafkaProducer<byte[], byte[]> producer =
          TestDetectors.producer(kafka.bootstrapServers())) {
        TestDetectors.send(producer, TestDetectors.images(prefix), "e", 0, 5);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> DetectorHttp.get(port, "/ready").statusCode() == 503);
      HttpResponse<String> ready = DetectorHttp.get(port, "/ready");
      System.out.printf(
          "not ready %.1f s after the first bad batch was sent: %s%n",
          (System.nanoTime() - t0) / 1e9, ready.body().trim());
      assertThat(ready.body())
          .startsWith("NOT READY: a stream thread failed")
          .contains("scorer broke");
      assertThat(DetectorHttp.get(port, "/health").statusCode())
          .as("alive: a restart is the orchestrator's call")
          .isEqualTo(200);
      assertThat(DetectorHttp.metrics(port)).contains("vaestream_ready 0.0");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> DetectorHttp.metrics(port).contains("vaestream_stream_restarts_recent 2.0"));
    }
    assertThat(streamThreadsOf(prefix))
        .as("every client stopped, the failed ones too")
        .isEmpty();
  }

  @Test
  void shouldRestartAfterFailuresAndScoreEveryImageOnce() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    String prefix = TestDetectors.createTopics(kafka, "flaky", 2);
    Map<String, Object> p = settings(kafka, prefix);
    Path model = TinyVaeModel.write(dir.resolve("model"), 0.48);
    int events = 300;
    try (OnnxScorer real = OnnxScorer.open(model, Device.CPU);
        Detector detector = Detector.start(new DetectorConfig(p), new FlakyScorer(real, 3));
        ScoreTally tally = new ScoreTally(kafka.bootstrapServers(), TestDetectors.scores(prefix))) {
      long t0 = System.nanoTime();
      TestDetectors.sendPaced(
          kafka.bootstrapServers(), TestDetectors.images(prefix), prefix, events, 1000);
      await().atMost(Duration.ofSeconds(90)).until(() -> tally.drain() == events);
      System.out.printf(
          "%d of %d scored after 3 scorer failures, %.1f s after the first image was sent%n",
          tally.perId.size(), events, (System.nanoTime() - t0) / 1e9);
      tally.drain(Duration.ofSeconds(2));
      tally.assertOneScorePerInputRecord(events);
      assertThat(detector.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
    assertThat(streamThreadsOf(prefix))
        .as("no stream thread outlives the detector")
        .isEmpty();
  }

  private static List<String> streamThreadsOf(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.startsWith("detector-" + prefix) && n.contains("StreamThread"))
        .toList();
  }

  /** A detector whose model file is never opened: the test hands it a scorer of its own. */
  private Map<String, Object> settings(KafkaBroker kafka, String prefix) {
    return TestDetectors.settings(kafka, dir.resolve("unused.onnx"), prefix, dir.resolve("state"));
  }

  /**
   * A scorer that fails its first {@code failures} batches, then scores with {@code real}; with
   * {@code Integer.MAX_VALUE} it fails every batch, as a model with a bug would.
   */
  private static final class FlakyScorer extends ForwardingScorer {
    private final AtomicInteger failuresLeft;

    FlakyScorer(Scorer real, int failures) {
      super(real);
      this.failuresLeft = new AtomicInteger(failures);
    }

    @Override
    public ScoreBatch score(float[] tensors, int count) {
      if (failuresLeft.getAndDecrement() > 0) {
        throw new IllegalStateException("scorer broke on a batch of " + count);
      }
      return super.score(tensors, count);
    }
  }
}
