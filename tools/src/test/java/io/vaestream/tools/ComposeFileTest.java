package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vaestream.detector.config.DetectorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so docker-compose.yml and the Dockerfiles are checked against the
 * code instead: the detector's environment must name real configuration keys, topics must match
 * the detector's defaults, the Kafka image must match the client version, and the detector must be
 * scalable and run as a non-root user.
 */
class ComposeFileTest {
  private static Path root;
  private static JsonNode compose;

  @BeforeAll
  static void load() throws Exception {
    root = Path.of(System.getProperty("project.root", ".."));
    compose = new ObjectMapper(new YAMLFactory()).readTree(root.resolve("docker-compose.yml").toFile());
  }

  private static JsonNode service(String name) {
    JsonNode s = compose.path("services").path(name);
    assertThat(s.isMissingNode()).as("service " + name).isFalse();
    return s;
  }

  @Test
  void shouldDefineEveryServiceOfThePipeline() {
    for (String s : List.of("kafka", "topics", "trainer", "detector", "detector-gpu", "producer", "prometheus")) {
      service(s);
    }
    assertThat(service("detector-gpu").path("profiles").toString()).contains("gpu");
    assertThat(service("producer").path("profiles").toString()).contains("demo");
    assertThat(service("prometheus").path("profiles").toString()).contains("monitoring");
  }

  @Test
  void shouldPinKafkaToTheClientVersion() {
    String version = System.getProperty("kafka.version");
    assertThat(service("kafka").path("image").asText()).isEqualTo("apache/kafka:" + version);
    assertThat(service("topics").path("image").asText()).isEqualTo("apache/kafka:" + version);
    compose.path("services").forEach(s -> {
      String image = s.path("image").asText("");
      if (!image.isEmpty()) {
        assertThat(image).as("pinned tag").contains(":").doesNotEndWith(":latest");
      }
    });
  }

  @Test
  void shouldOnlySetDetectorKeysThatExist() {
    for (String name : List.of("detector", "detector-gpu")) {
      service(name).path("environment").fieldNames().forEachRemaining(env -> {
        assertThat(env).startsWith(DetectorConfig.ENV_PREFIX);
        String key = env.substring(DetectorConfig.ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        assertThat(DetectorConfig.CONFIG.names()).as(env + " in " + name).contains(key);
      });
    }
    JsonNode env = service("detector").path("environment");
    assertThat(env.path("VAESTREAM_INPUT_TOPIC").asText()).isEqualTo(DetectorConfig.CONFIG.defaultValues().get("input.topic"));
    assertThat(env.path("VAESTREAM_SCORES_TOPIC").asText()).isEqualTo(DetectorConfig.CONFIG.defaultValues().get("scores.topic"));
    assertThat(env.path("VAESTREAM_DLQ_TOPIC").asText()).isEqualTo(DetectorConfig.CONFIG.defaultValues().get("dlq.topic"));
    assertThat(env.path("VAESTREAM_HTTP_PORT").asInt()).isEqualTo(DetectorConfig.CONFIG.defaultValues().get("http.port"));
  }

  @Test
  void shouldCreateTheTopicsTheDetectorUses() {
    String script = service("topics").path("command").toString();
    Map<String, Object> d = DetectorConfig.CONFIG.defaultValues();
    for (String key : List.of("input.topic", "scores.topic", "anomalies.topic", "dlq.topic")) {
      assertThat(script).contains(d.get(key).toString());
    }
  }

  @Test
  void shouldLetTheDetectorScale() {
    JsonNode d = service("detector");
    assertThat(d.has("container_name")).as("a fixed container name blocks --scale").isFalse();
    assertThat(d.has("ports")).as("a fixed host port blocks --scale").isFalse();
    String model = d.path("environment").path("VAESTREAM_MODEL_PATH").asText();
    assertThat(service("trainer").path("command").toString()).contains(Path.of(model).getParent().toString());
    List<String> volumes = new ArrayList<>();
    d.path("volumes").forEach(v -> volumes.add(v.asText()));
    assertThat(volumes).anyMatch(v -> v.startsWith("./models:/models"));
  }

  @Test
  void shouldRunContainersAsANonRootUserWithAHealthCheck() throws Exception {
    for (String file : List.of("Dockerfile", "Dockerfile.gpu")) {
      String text = Files.readString(root.resolve(file));
      assertThat(text).as(file).contains("USER 10001").contains("HEALTHCHECK").contains("/ready");
    }
    assertThat(Files.readString(root.resolve("Dockerfile.gpu"))).contains("cudnn").contains("-Pgpu");
    assertThat(Files.readString(root.resolve("deploy/prometheus.yml"))).contains("detector").contains("8080");
  }

  @Test
  void shouldBeAcceptedByDockerComposeWhereItIsInstalled() throws Exception {
    Path bin = Path.of("/usr/bin/docker-compose");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(bin), "docker-compose is not installed");
    Process p = new ProcessBuilder(bin.toString(), "-f", root.resolve("docker-compose.yml").toString(), "config", "-q")
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isZero();
  }
}
