package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.testing.DetectorHttp;
import io.vaestream.detector.testing.KafkaBroker;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.detector.testing.TinyVaeModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
    String prefix = TestDetectors.createTopics(kafka, "metrics", 1);
    String images = TestDetectors.images(prefix);
    int port = TestDetectors.freePort();
    Map<String, Object> p = TestDetectors.settings(
        kafka, TinyVaeModel.write(dir.resolve("m"), 0.48), prefix, dir.resolve("state"));
    p.put(DetectorConfig.HTTP_PORT, port);
    try (Detector detector = Detector.start(new DetectorConfig(p));
        KafkaProducer<byte[], byte[]> producer = TestDetectors.producer(kafka.bootstrapServers())) {
      TestDetectors.send(producer, images, "e", 0, 50);
      producer.send(new ProducerRecord<>(
          images, TestDetectors.key("bad"), "not an image".getBytes(StandardCharsets.UTF_8)));
      producer.flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> detector.metrics().scoredCount() >= 50);
      String scrape = DetectorHttp.metrics(port);
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

  /**
   * An HTTP port in use stopped the start with a stack trace and exit code 1, the code of a
   * detector that stopped for good; a supervisor could not tell the two apart.
   */
  @Test
  void shouldRefuseToStartInOneLineWhenItsHttpPortIsTaken() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    Path model = TinyVaeModel.write(dir, 0.5);
    PrintStream before = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = new CommandLine(new DetectorApp())
          .execute(
              "--model",
              model.toString(),
              "--bootstrap-servers",
              kafka.bootstrapServers(),
              "--http-port",
              Integer.toString(taken.getLocalPort()),
              "--set",
              "http.bind.address=127.0.0.1",
              "--set",
              "application.id=busy-port");
      assertThat(code).isEqualTo(2);
    } finally {
      System.setErr(before);
    }
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("vaestream-detector: cannot start: ")
        .contains("in use")
        .doesNotContain("\tat ");
  }
}
