package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.testing.Images;
import io.vaestream.detector.testing.KafkaBroker;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.detector.testing.TinyVaeModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's contract: every metric that the shipped Grafana dashboard and Prometheus alert
 * rules (deploy/) query is exposed by a running detector that has scored images and dead-lettered
 * a bad record.
 */
@Timeout(180)
class MetricsContractIT {
  /** Names in PromQL: identifiers followed by a selector, a range or an operator, not functions or labels. */
  private static final Pattern METRIC = Pattern.compile(
      "\\b(vaestream_[a-z0-9_]+|kafka_[a-z0-9_]+|process_[a-z0-9_]+" + "|jvm_[a-z0-9_]+|up)\\b");

  @TempDir
  Path dir;

  @Test
  void shouldExposeEveryMetricTheDashboardAndTheAlertsUse() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    String prefix = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(1, TestDetectors.topics(prefix));
    int port = TestDetectors.freePort();
    Map<String, Object> p = TestDetectors.settings(
        kafka.bootstrapServers(),
        TinyVaeModel.write(dir.resolve("m"), 0.48),
        prefix,
        dir.resolve("state"));
    p.put(DetectorConfig.HTTP_PORT, port);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    HttpClient http = HttpClient.newHttpClient();
    try (Detector detector = Detector.start(new DetectorConfig(p));
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < 50; i++) {
        producer.send(new ProducerRecord<>(
            TestDetectors.images(prefix),
            ("k" + i).getBytes(StandardCharsets.UTF_8),
            Images.eventBytes("e" + i, i)));
      }
      producer.send(new ProducerRecord<>(
          TestDetectors.images(prefix),
          "bad".getBytes(StandardCharsets.UTF_8),
          "not an image".getBytes(StandardCharsets.UTF_8)));
      producer.flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> detector.metrics().scoredCount() >= 50);
      String scrape = http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
      Set<String> exposed = new TreeSet<>();
      scrape
          .lines()
          .filter(l -> !l.startsWith("#") && !l.isBlank())
          .forEach(l -> exposed.add(l.split("[{ ]", 2)[0]));
      exposed.add("up");
      System.out.println(
          "exposed: " + exposed.stream().filter(n -> n.startsWith("vaestream")).toList());
      for (String file :
          new String[] {"deploy/grafana/vaestream-detector.json", "deploy/alerts.yml"}) {
        String text = Files.readString(Path.of("..").resolve(file));
        Matcher m = METRIC.matcher(text);
        Set<String> used = new TreeSet<>();
        while (m.find()) {
          used.add(m.group(1));
        }
        assertThat(used).as("metrics %s queries", file).isNotEmpty();
        for (String name : used) {
          assertThat(exposed).as("%s uses %s", file, name).contains(name);
        }
      }
      assertThat(scrape)
          .contains("vaestream_model_info{")
          .contains("device=\"cpu\"")
          .contains("vaestream_dead_letters_total{reason=\"UNKNOWN_FORMAT\"} 1.0");
    }
  }
}
