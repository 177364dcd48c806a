package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaestream.detector.testing.DockerImages;
import io.vaestream.detector.testing.ScoreTally;
import io.vaestream.detector.testing.TestDetectors;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real docker-compose.yml, end to end, with the images named in the environment (public ones
 * by default, the stand-ins of scripts/docker-images.sh in CI): Kafka, the schema registry, the
 * topics job, the trainer (one epoch), two detector replicas, Prometheus, and the demo producer,
 * which writes the Confluent wire format through the registry. Both replicas must have
 * scored (they share the partitions), as Prometheus reports it. One detector is killed
 * with {@code docker kill} mid-stream; the {@code scores} topic must still end with exactly one
 * score per produced image (read_committed), and Prometheus must have scraped both replicas.
 * Needs docker-compose and a Docker engine (skipped without them); runs in a project of its own,
 * under a temporary folder, and removes it afterwards.
 */
@Timeout(900)
class ComposeIT {
  private static final Logger LOG = LoggerFactory.getLogger(ComposeIT.class);
  private static final Path COMPOSE = Path.of("/usr/bin/docker-compose");
  private static final int IMAGES = Integer.getInteger("vaestream.compose.images", 3000);
  private static final int RATE = Integer.getInteger("vaestream.compose.rate", 150);

  @TempDir
  Path dir;

  private final String project = "vaestream-it-" + UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, String> env = new HashMap<>();
  private boolean started;

  @Test
  void shouldScoreEveryProducedImageOnceThroughAContainerKill() throws Exception {
    assumeTrue(
        Files.isExecutable(COMPOSE)
            && run(List.of("docker", "info"), Duration.ofSeconds(20)).ok(),
        "needs docker-compose and a Docker engine");
    Path root = Path.of(System.getProperty("project.root", ".."));
    Files.copy(root.resolve("docker-compose.yml"), dir.resolve("docker-compose.yml"));
    Files.createDirectories(dir.resolve("deploy"));
    for (String f : List.of("prometheus.yml", "alerts.yml")) {
      Files.copy(root.resolve("deploy").resolve(f), dir.resolve("deploy").resolve(f));
    }
    int kafkaPort = TestDetectors.freePort();
    int prometheusPort = TestDetectors.freePort();
    int registryPort = TestDetectors.freePort();
    env.put("VAESTREAM_KAFKA_HOST_PORT", Integer.toString(kafkaPort));
    env.put("VAESTREAM_PROMETHEUS_HOST_PORT", Integer.toString(prometheusPort));
    env.put("VAESTREAM_REGISTRY_HOST_PORT", Integer.toString(registryPort));
    // The demo producer writes the Confluent wire format through the compose file's registry.
    env.put("VAESTREAM_PRODUCE_FORMAT", "confluent");
    env.put("VAESTREAM_TRAIN_EPOCHS", "1");
    env.put("VAESTREAM_PRODUCE_LIMIT", Integer.toString(IMAGES));
    env.put("VAESTREAM_PRODUCE_RATE", Integer.toString(RATE));
    for (String image : List.of("KAFKA", "PROMETHEUS", "REGISTRY", "JDK", "JRE")) {
      String value = DockerImages.configured("VAESTREAM_" + image + "_IMAGE");
      if (value != null) {
        env.put("VAESTREAM_" + image + "_IMAGE", value);
      }
    }
    for (String image : List.of("vaestream/detector:0.1.0", "vaestream/tools:0.1.0")) {
      assertThat(run(List.of("docker", "image", "inspect", image), Duration.ofSeconds(20))
              .ok())
          .as(image + " is not built: run scripts/docker-images.sh")
          .isTrue();
    }

    started = true;
    long t0 = System.nanoTime();
    compose(
        Duration.ofMinutes(8),
        "--profile",
        "monitoring",
        "up",
        "-d",
        "--no-build",
        "--scale",
        "detector=2");
    List<String> detectors = containers("detector");
    assertThat(detectors).hasSize(2);
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> detectors.stream().allMatch(c -> "healthy".equals(health(c))));
    LOG.info(
        "compose: kafka, topics, trainer, 2 healthy detectors and prometheus up in {} s",
        seconds(t0));
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> upTargets(prometheusPort) == 2);

    compose(
        Duration.ofMinutes(2),
        "--profile",
        "demo",
        "up",
        "-d",
        "--no-build",
        "--no-deps",
        "producer");
    Map<String, Integer> perId;
    try (ScoreTally scores = new ScoreTally("127.0.0.1:" + kafkaPort, "scores")) {
      await().atMost(Duration.ofMinutes(2)).until(() -> scores.drain() >= IMAGES / 5);
      // Both replicas share the partitions: each has scored, as Prometheus sees it.
      await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> scoredByReplica(prometheusPort).size() == 2);
      LOG.info(
          "compose: scored per detector replica, from Prometheus: {}",
          scoredByReplica(prometheusPort));
      String victim = detectors.get(0);
      assertThat(run(List.of("docker", "kill", victim), Duration.ofSeconds(30)).ok())
          .isTrue();
      LOG.info(
          "compose: killed detector container {} after {} scores", victim, scores.perId.size());
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> scores.drain() >= IMAGES);
      // Nothing more arrives: no duplicates behind the first copies.
      long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() < quiet) {
        scores.drain();
      }
      perId = scores.perId;
    }
    assertThat(perId).hasSize(IMAGES);
    assertThat(perId.values()).as("scores per produced image").containsOnly(1);
    HttpResponse<String> subjects = HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + registryPort + "/apis/ccompat/v7/subjects"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(subjects.body())
        .as("the producer wrote through the registry")
        .contains("\"images-value\"");
    LOG.info(
        "compose: {} produced, {} scored, 0 duplicates, after a container kill; {} s in all",
        IMAGES,
        perId.size(),
        seconds(t0));
  }

  @AfterEach
  void down() throws Exception {
    if (!started) {
      return;
    }
    Result logs = compose(
        Duration.ofMinutes(1),
        "--profile",
        "demo",
        "--profile",
        "monitoring",
        "logs",
        "--no-color",
        "--tail",
        "40");
    LOG.info("compose logs (last lines per service):\n{}", logs.output());
    compose(
        Duration.ofMinutes(2),
        "--profile",
        "demo",
        "--profile",
        "monitoring",
        "down",
        "-v",
        "--timeout",
        "5");
  }

  /** The {@code data} of a Prometheus HTTP API answer, for {@code path} on the host's port. */
  private static JsonNode prometheus(int port, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(r.body()).path("data");
  }

  /** How many scrape targets Prometheus reports up, through its HTTP API. */
  private static int upTargets(int port) throws Exception {
    int up = 0;
    for (JsonNode t : prometheus(port, "/api/v1/targets?state=active").path("activeTargets")) {
      if ("up".equals(t.path("health").asText())) {
        up++;
      }
    }
    return up;
  }

  /** Images scored per detector replica that has scored any, from Prometheus' query API. */
  private static Map<String, Double> scoredByReplica(int port) throws Exception {
    String query = URLEncoder.encode(
        "sum by (instance) (vaestream_events_scored_total) > 0", StandardCharsets.UTF_8);
    Map<String, Double> byInstance = new HashMap<>();
    for (JsonNode series : prometheus(port, "/api/v1/query?query=" + query).path("result")) {
      byInstance.put(
          series.path("metric").path("instance").asText(),
          series.path("value").path(1).asDouble());
    }
    return byInstance;
  }

  private List<String> containers(String service) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String line :
        compose(Duration.ofSeconds(30), "ps", "-q", service).output().split("\n")) {
      if (!line.isBlank()) {
        ids.add(line.strip());
      }
    }
    return ids;
  }

  private String health(String container) {
    try {
      return run(
              List.of("docker", "inspect", "--format", "{{.State.Health.Status}}", container),
              Duration.ofSeconds(20))
          .output()
          .strip();
    } catch (IOException | InterruptedException e) {
      return "unknown: " + e;
    }
  }

  private Result compose(Duration timeout, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        COMPOSE.toString(),
        "-p",
        project,
        "--project-directory",
        dir.toString(),
        "-f",
        dir.resolve("docker-compose.yml").toString()));
    command.addAll(List.of(args));
    Result r = run(command, timeout);
    assertThat(r.ok()).as(String.join(" ", args) + ":\n" + r.output()).isTrue();
    return r;
  }

  private record Result(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }
  }

  private Result run(List<String> command, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Path log = Files.createTempFile(dir, "cmd", ".log");
    Process p = pb.redirectOutput(log.toFile()).start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      return new Result(
          -1, "timed out after " + timeout + ": " + Files.readString(log, StandardCharsets.UTF_8));
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private static long seconds(long t0) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
  }
}
