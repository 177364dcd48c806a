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
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml and the Dockerfiles checked against the code, without a Docker engine: the
 * detector's environment must name real configuration keys, topics must match the detector's
 * defaults, the Kafka images (public and stand-in) must match the client version, and the detector
 * must be scalable and run as a non-root user. ComposeIT runs the file for real where Docker is.
 */
class ComposeFileTest {
  private static Path root;
  private static JsonNode compose;

  @BeforeAll
  static void load() throws Exception {
    root = Path.of(System.getProperty("project.root", ".."));
    compose = new ObjectMapper(new YAMLFactory())
        .readTree(root.resolve("docker-compose.yml").toFile());
  }

  private static JsonNode service(String name) {
    JsonNode s = compose.path("services").path(name);
    assertThat(s.isMissingNode()).as("service " + name).isFalse();
    return s;
  }

  @Test
  void shouldDefineEveryServiceOfThePipeline() {
    for (String s : List.of(
        "kafka",
        "registry",
        "topics",
        "trainer",
        "detector",
        "detector-gpu",
        "producer",
        "prometheus")) {
      service(s);
    }
    assertThat(service("detector-gpu").path("profiles").toString()).contains("gpu");
    assertThat(service("producer").path("profiles").toString()).contains("demo");
    assertThat(service("prometheus").path("profiles").toString()).contains("monitoring");
  }

  /** The image a user gets: the default of {@code ${VAESTREAM_..._IMAGE:-default}}, or the literal name. */
  private static String defaultImage(JsonNode service) {
    String image = service.path("image").asText("");
    Matcher m = Pattern.compile("\\$\\{VAESTREAM_[A-Z_]+_IMAGE:-([^}]+)}").matcher(image);
    return m.matches() ? m.group(1) : image;
  }

  @Test
  void shouldPinKafkaToTheClientVersion() throws Exception {
    String version = System.getProperty("kafka.version");
    assertThat(defaultImage(service("kafka"))).isEqualTo("apache/kafka:" + version);
    assertThat(defaultImage(service("topics"))).isEqualTo("apache/kafka:" + version);
    assertThat(Files.readString(root.resolve("docker/local/kafka/pom.xml")))
        .as("the stand-in Kafka image's jars")
        .contains("<kafka.version>" + version + "</kafka.version>");
    compose.path("services").forEach(s -> {
      String image = defaultImage(s);
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
        String key = env.substring(DetectorConfig.ENV_PREFIX.length())
            .toLowerCase(Locale.ROOT)
            .replace('_', '.');
        assertThat(DetectorConfig.CONFIG.names()).as(env + " in " + name).contains(key);
      });
    }
    JsonNode env = service("detector").path("environment");
    assertThat(env.path("VAESTREAM_INPUT_TOPIC").asText())
        .isEqualTo(DetectorConfig.CONFIG.defaultValues().get("input.topic"));
    assertThat(env.path("VAESTREAM_SCORES_TOPIC").asText())
        .isEqualTo(DetectorConfig.CONFIG.defaultValues().get("scores.topic"));
    assertThat(env.path("VAESTREAM_DLQ_TOPIC").asText())
        .isEqualTo(DetectorConfig.CONFIG.defaultValues().get("dlq.topic"));
    assertThat(env.path("VAESTREAM_HTTP_PORT").asInt())
        .isEqualTo(DetectorConfig.CONFIG.defaultValues().get("http.port"));
  }

  /**
   * The GPU detector joins the CPU detectors' group: it read no Confluent input, followed no
   * published model and stopped within Docker's 10 s, scoring its partitions differently.
   */
  @Test
  void shouldConfigureTheGpuDetectorAsTheOthersButForTheDevice() {
    JsonNode cpu = service("detector");
    JsonNode gpu = service("detector-gpu");
    Map<String, String> a = new TreeMap<>();
    Map<String, String> b = new TreeMap<>();
    cpu.path("environment")
        .fields()
        .forEachRemaining(e -> a.put(e.getKey(), e.getValue().asText()));
    gpu.path("environment")
        .fields()
        .forEachRemaining(e -> b.put(e.getKey(), e.getValue().asText()));
    assertThat(a.remove("VAESTREAM_DEVICE")).isEqualTo("cpu");
    assertThat(b.remove("VAESTREAM_DEVICE")).isEqualTo("cuda");
    assertThat(b).isEqualTo(a);
    assertThat(gpu.path("depends_on").toString())
        .isEqualTo(cpu.path("depends_on").toString());
    assertThat(gpu.path("stop_grace_period")).isEqualTo(cpu.path("stop_grace_period"));
  }

  @Test
  void shouldCreateTheTopicsTheDetectorUses() {
    String script = service("topics").path("command").toString();
    Map<String, Object> d = DetectorConfig.CONFIG.defaultValues();
    for (String key :
        List.of("input.topic", "scores.topic", "anomalies.topic", "dlq.topic", "drift.topic")) {
      assertThat(script).contains(d.get(key).toString());
    }
  }

  @Test
  void shouldLetTheDetectorScale() {
    JsonNode d = service("detector");
    assertThat(d.has("container_name"))
        .as("a fixed container name blocks --scale")
        .isFalse();
    assertThat(d.has("ports")).as("a fixed host port blocks --scale").isFalse();
    String model = d.path("environment").path("VAESTREAM_MODEL_PATH").asText();
    assertThat(model)
        .as("the host's VAESTREAM_MODEL_PATH, else the one the trainer makes")
        .isEqualTo("${VAESTREAM_MODEL_PATH:-/models/fashion-0/model.onnx}");
    assertThat(
            service("trainer").path("environment").path("VAESTREAM_MODEL_PATH").asText())
        .isEqualTo(model);
    assertThat(service("trainer").path("command").toString())
        .contains("--out /models/fashion-0", "if [ -f \\\"$$VAESTREAM_MODEL_PATH\\\" ]");
    List<String> volumes = new ArrayList<>();
    d.path("volumes").forEach(v -> volumes.add(v.asText()));
    assertThat(volumes).anyMatch(v -> v.equals("${VAESTREAM_MODELS:-models}:/models:ro"));
    assertThat(compose.path("volumes").has("models"))
        .as("the default models volume")
        .isTrue();
  }

  @Test
  void shouldRunContainersAsANonRootUserWithAHealthCheck() throws Exception {
    for (String file : List.of("Dockerfile", "Dockerfile.gpu")) {
      String text = Files.readString(root.resolve(file));
      assertThat(text).as(file).contains("USER 10001").contains("HEALTHCHECK").contains("/ready");
    }
    assertThat(Files.readString(root.resolve("Dockerfile.gpu")))
        .contains("cudnn")
        .contains("-Pgpu");
    assertThat(Files.readString(root.resolve("deploy/prometheus.yml")))
        .contains("detector")
        .contains("8080");
  }

  @Test
  void shouldCopyEveryModulesPomBeforeResolvingDependencies() throws Exception {
    // Maven reads every module the parent lists, even with -pl: a module whose pom the build stage
    // lacks fails dependency:go-offline (quietly, behind `|| true`) and the layer caches nothing.
    Matcher m = Pattern.compile("<module>([^<]+)</module>")
        .matcher(Files.readString(root.resolve("pom.xml")));
    List<String> modules = new ArrayList<>();
    while (m.find()) {
      modules.add(m.group(1));
    }
    assertThat(modules).contains("detector", "tools", "bench");
    String dockerfile = Files.readString(root.resolve("Dockerfile"));
    for (String module : modules) {
      assertThat(dockerfile)
          .as("Dockerfile's build stage")
          .contains("COPY " + module + "/pom.xml " + module + "/");
    }
    assertThat(dockerfile.indexOf("COPY bench/pom.xml"))
        .isLessThan(dockerfile.indexOf("dependency:go-offline"));
  }

  @Test
  void shouldBeAcceptedByDockerComposeWhereItIsInstalled() throws Exception {
    Path bin = Path.of("/usr/bin/docker-compose");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(bin), "docker-compose is not installed");
    Process p = new ProcessBuilder(
            bin.toString(), "-f", root.resolve("docker-compose.yml").toString(), "config", "-q")
        .redirectErrorStream(true)
        .start();
    String output =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isZero();
  }
}
