package io.vaestream.detector.testing;

import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry 2.6 (in-memory storage) as a child process on 127.0.0.1, for the tests
 * of the Confluent wire format: the server from Maven Central
 * ({@code io.apicurio:apicurio-registry-app:2.6.13.Final}, classifier {@code all}), which the
 * detector's build unpacks into {@code target/apicurio}. Register it as a JUnit extension:
 *
 * <pre>{@code @RegisterExtension static final SchemaRegistryServer REGISTRY = new SchemaRegistryServer();}</pre>
 *
 * <p>{@link #pause} and {@link #resume} freeze and thaw the process (SIGSTOP, SIGCONT): the port
 * stays open and requests hang, as with a registry that is overloaded or cut off, while its
 * in-memory schemas survive.
 */
public final class SchemaRegistryServer implements BeforeAllCallback, AfterAllCallback {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);
  /** Where the unpacked server lies; the build sets it. */
  public static final String DIR_PROPERTY = "vaestream.apicurio.dir";

  private Process process;
  private int port;
  private Path log;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  /** Starts the server and waits until its Confluent-compatible API answers. */
  public void start() throws IOException {
    Path dir = Path.of(System.getProperty(DIR_PROPERTY, "target/apicurio"));
    Path jar;
    try (var files = Files.list(dir)) {
      jar = files
          .filter(p -> p.getFileName().toString().endsWith("-runner.jar"))
          .findFirst()
          .orElseThrow(
              () -> new IllegalStateException(
                  "no Apicurio runner jar in " + dir.toAbsolutePath() + "; the detector's build "
                      + "unpacks io.apicurio:apicurio-registry-app:2.6.13.Final:zip:all there (./mvnw -pl detector verify)"));
    } catch (IOException e) {
      throw new IllegalStateException(
          "no Apicurio server in " + dir.toAbsolutePath() + " (" + e.getMessage()
              + "); the detector's build unpacks it there (./mvnw -pl detector verify)",
          e);
    }
    port = TestDetectors.freePort();
    log = dir.resolve("registry-" + port + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(List.of(
            java,
            "-Xmx384m",
            "-XX:TieredStopAtLevel=1",
            "-Dquarkus.http.host=127.0.0.1",
            "-Dquarkus.http.port=" + port,
            "-Dquarkus.log.level=WARN",
            "-jar",
            jar.toString()))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    long t0 = System.nanoTime();
    HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException(
                "Apicurio Registry exited with " + process.exitValue() + "; see " + log);
          }
          return http.send(
                      HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                          .timeout(Duration.ofSeconds(2))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode()
              == 200;
        });
    LOG.info(
        "Apicurio Registry on 127.0.0.1:{} after {} ms (log {})",
        port,
        (System.nanoTime() - t0) / 1_000_000,
        log);
  }

  /** The Confluent-compatible API's base URL, for {@code schema.registry.url}. */
  public String url() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  /**
   * {@link TestDetectors#settings(KafkaBroker, Path, String, Path)} of a detector that reads this
   * registry, on the tiny model (threshold 0.48) written to {@code dir}, with its state there.
   */
  public Map<String, Object> detectorSettings(KafkaBroker kafka, Path dir, String prefix)
      throws IOException {
    Map<String, Object> p = TestDetectors.settings(
        kafka, TinyVaeModel.write(dir.resolve("model"), 0.48), prefix, dir.resolve("state"));
    p.put(DetectorConfig.SCHEMA_REGISTRY_URL, url());
    return p;
  }

  /** Freezes the server: connections are accepted by the kernel and never answered. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
        .inheritIO()
        .start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  public void stop() {
    if (process == null) {
      return;
    }
    try {
      resume();
    } catch (IOException | InterruptedException e) {
      LOG.debug("resuming before the stop failed", e);
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
