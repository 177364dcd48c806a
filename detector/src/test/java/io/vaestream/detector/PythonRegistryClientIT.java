package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.testing.KafkaBroker;
import io.vaestream.detector.testing.SchemaRegistryServer;
import io.vaestream.detector.testing.ScoreTally;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.registry.RegistryAvro;
import io.vaestream.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python example of docs/wire-format.md, run as a user runs it: confluent_kafka's
 * AvroSerializer sends 1,000 images through a real registry, the detector scores them, and
 * AvroDeserializer reads the scores back. Runs where python3 has confluent_kafka and fastavro
 * ({@code scripts/install-test-tools.sh} installs them); skipped, saying why, elsewhere.
 */
@Timeout(300)
class PythonRegistryClientIT {
  @RegisterExtension
  static final SchemaRegistryServer REGISTRY = new SchemaRegistryServer();

  private static final Path SCRIPT = Path.of("..", "docs", "examples", "registry_client.py");

  @TempDir
  Path dir;

  @Test
  void shouldScoreAThousandImagesFromAPythonAvroSerializerExactlyOnce() throws Exception {
    String python = pythonWithRegistryClient();
    assumeTrue(
        python != null,
        "no python3 with confluent_kafka.schema_registry.avro (and fastavro) here; "
            + "scripts/install-test-tools.sh installs them");
    KafkaBroker kafka = KafkaBroker.shared();
    String prefix = TestDetectors.createTopics(kafka, "python", 2);
    Map<String, Object> p = REGISTRY.detectorSettings(kafka, dir, prefix);
    p.put(DetectorConfig.VALUE_FORMAT, "confluent");
    SchemaRegistryClient registry = SchemaRegistryClient.at(REGISTRY.url());
    try (Detector detector = Detector.start(new DetectorConfig(p));
        ScoreTally tally = new ScoreTally(
            kafka.clientSettings(),
            TestDetectors.scores(prefix),
            RegistryAvro.deserializer(registry, AnomalyScore.class))) {
      Path out = dir.resolve("python.log");
      Process run = new ProcessBuilder(
              python,
              SCRIPT.toString(),
              "--bootstrap-servers",
              kafka.bootstrapServers(),
              "--registry",
              REGISTRY.url(),
              "--images-topic",
              TestDetectors.images(prefix),
              "--scores-topic",
              TestDetectors.scores(prefix),
              "--count",
              "1000",
              "--timeout",
              "150")
          .redirectErrorStream(true)
          .redirectOutput(out.toFile())
          .start();
      assertThat(run.waitFor(200, TimeUnit.SECONDS)).as("the client finished").isTrue();
      List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
      System.out.println("registry_client.py: " + String.join("\n  ", lines));
      assertThat(run.exitValue()).as(String.join("\n", lines)).isZero();
      JsonNode summary = new ObjectMapper().readTree(lines.get(lines.size() - 1));
      assertThat(summary.path("sent").asInt()).isEqualTo(1000);
      assertThat(summary.path("scored").asInt())
          .as("read back by AvroDeserializer")
          .isEqualTo(1000);
      assertThat(summary.path("duplicates").asInt()).isZero();

      await().atMost(Duration.ofSeconds(30)).until(() -> tally.drain() == 1000);
      tally.drain(Duration.ofSeconds(1));
      tally.assertOneScorePerInputRecord(1000);
    }
  }

  /** A python3 that can import the registry client, or null. */
  private static String pythonWithRegistryClient() throws InterruptedException {
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      try {
        Process p = new ProcessBuilder(
                candidate, "-c", "import confluent_kafka.schema_registry.avro")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
      } catch (IOException e) {
        // not installed: try the next one
      }
    }
    return null;
  }
}
