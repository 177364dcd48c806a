package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.scoring.OnnxScorer;
import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.detector.testing.Images;
import io.vaestream.detector.testing.KafkaBroker;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.schemas.ImageContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forced crash loop: the scorer fails every batch, so every stream thread fails and is replaced,
 * and reads the same records again. Kafka Streams stays RUNNING or REBALANCING; {@code /ready}
 * must say the truth within 30 s.
 */
@Timeout(180)
class CrashLoopIT {
  @TempDir Path dir;

  @Test
  void shouldTurnNotReadyWithinThirtySecondsOfACrashLoop() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    String prefix = "loop-" + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(1, TestDetectors.topics(prefix));
    int port = TestDetectors.freePort();
    Map<String, Object> p = TestDetectors.settings(kafka.bootstrapServers(), dir.resolve("unused.onnx"), prefix,
        dir.resolve("state"));
    p.put(DetectorConfig.HTTP_PORT, port);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(DetectorConfig.INFERENCE_PIPELINED, false);
    Path model = TinyVaeModel.write(dir.resolve("model"), 0.48);
    HttpClient http = HttpClient.newHttpClient();
    try (OnnxScorer real = OnnxScorer.open(model, io.vaestream.detector.scoring.Device.CPU, null, null);
        Detector detector = Detector.start(new DetectorConfig(p), new FailingScorer(real.contract()))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> get(http, port, "/ready").statusCode() == 200);
      long t0 = System.nanoTime();
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
          kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < 5; i++) {
          producer.send(new ProducerRecord<>(TestDetectors.images(prefix),
              ("k" + i).getBytes(StandardCharsets.UTF_8), Images.eventBytes("e" + i, i)));
        }
      }
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
          .until(() -> get(http, port, "/ready").statusCode() == 503);
      HttpResponse<String> ready = get(http, port, "/ready");
      System.out.printf("not ready %.1f s after the first bad batch was sent: %s%n", (System.nanoTime() - t0) / 1e9,
          ready.body().trim());
      assertThat(ready.body()).startsWith("NOT READY: a stream thread failed").contains("scorer broke");
      assertThat(get(http, port, "/health").statusCode()).as("alive: a restart is the orchestrator's call").isEqualTo(200);
      assertThat(get(http, port, "/metrics").body()).contains("vaestream_ready 0.0");
    }
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A scorer that fails every batch, as a model with a bug would. */
  private record FailingScorer(ImageContract contract) implements Scorer {
    @Override
    public ScoreBatch score(float[] tensors, int count) {
      throw new IllegalStateException("scorer broke on a batch of " + count);
    }

    @Override
    public double threshold() {
      return 1;
    }

    @Override
    public String modelName() {
      return "failing";
    }

    @Override
    public String modelVersion() {
      return "1";
    }

    @Override
    public void close() {}
  }
}
