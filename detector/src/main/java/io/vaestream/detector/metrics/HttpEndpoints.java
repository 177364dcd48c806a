package io.vaestream.detector.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics} (Prometheus text format), {@code /health} (the process is alive and its
 * streams are not in error) and {@code /ready} (every task is running), on the JDK's own HTTP
 * server.
 */
public final class HttpEndpoints implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoints.class);

  private final HttpServer server;

  private HttpEndpoints(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts the endpoints. {@code unhealthy} and {@code notReady} give the reason the process is
   * down or not ready, or null when it is up or ready; the reason is the body of the 503.
   */
  public static HttpEndpoints start(
      String address,
      int port,
      Supplier<String> scrape,
      Supplier<String> unhealthy,
      Supplier<String> notReady)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
    server.createContext(
        "/metrics", ex -> reply(ex, 200, scrape.get(), "text/plain; version=0.0.4"));
    server.createContext("/health", ex -> {
      String why = unhealthy.get();
      reply(
          ex, why == null ? 200 : 503, why == null ? "UP\n" : "DOWN: " + why + "\n", "text/plain");
    });
    server.createContext("/ready", ex -> {
      String why = notReady.get();
      reply(
          ex,
          why == null ? 200 : 503,
          why == null ? "READY\n" : "NOT READY: " + why + "\n",
          "text/plain");
    });
    server.start();
    LOG.info(
        "HTTP endpoints on {}:{}: /metrics, /health, /ready",
        address,
        server.getAddress().getPort());
    return new HttpEndpoints(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void reply(HttpExchange ex, int status, String body, String type)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
