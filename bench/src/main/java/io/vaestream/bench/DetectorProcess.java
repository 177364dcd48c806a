package io.vaestream.bench;

import io.vaestream.detector.DetectorApp;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.metrics.DetectorMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A detector in its own JVM, as it runs in production, for the tools that measure one alone: its
 * memory, its metrics endpoint and its exit code. The process gets this JVM's class path and
 * logs to a file.
 */
final class DetectorProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int httpPort;
  private final Path log;

  private DetectorProcess(Process process, int httpPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  /**
   * Starts {@code DetectorApp} with {@code settings} (any detector or Kafka key) and its HTTP
   * endpoints on a free port of 127.0.0.1.
   */
  static DetectorProcess start(Map<String, String> settings, String maxHeap, Path log)
      throws IOException {
    int port = freePort();
    Map<String, String> all = new HashMap<>(settings);
    all.put(DetectorConfig.HTTP_PORT, Integer.toString(port));
    all.put(DetectorConfig.HTTP_BIND_ADDRESS, "127.0.0.1");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + maxHeap,
        "-cp",
        System.getProperty("java.class.path"),
        DetectorApp.class.getName()));
    all.forEach((k, v) -> cmd.addAll(List.of("--set", k + "=" + v)));
    Files.createDirectories(log.toAbsolutePath().getParent());
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    // A tool stopped with Ctrl-C or SIGTERM takes its detector with it.
    Runtime.getRuntime()
        .addShutdownHook(new Thread(p::destroyForcibly, "stop-detector-" + p.pid()));
    return new DetectorProcess(p, port, log);
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** True once {@code /ready} answers 200 (Kafka Streams is RUNNING). */
  boolean ready() {
    try {
      return get("/ready").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** The process's {@code /metrics}, parsed. */
  PrometheusText metrics() throws IOException {
    return PrometheusText.parse(get("/metrics").body());
  }

  /** VmRSS of the process in bytes, from /proc; NaN where there is no /proc. */
  double residentBytes() {
    return DetectorMetrics.residentBytes(Long.toString(process.pid()));
  }

  /** Sends SIGTERM and waits for the graceful shutdown; returns the exit code (143 = ended by SIGTERM). */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }

  private HttpResponse<String> get(String path) throws IOException {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading " + path, e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }
}
