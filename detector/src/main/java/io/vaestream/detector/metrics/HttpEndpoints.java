package io.vaestream.detector.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
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

  /** Requests served at once: a client that stalls holds one of them, not the probes behind it. */
  private static final int THREADS = 4;

  static {
    // The JDK server's own limits on reading a request and writing a response, read once when it
    // is first used; without them a client that sends one byte and stalls holds its thread for
    // ever. An operator's own setting stays. They are JVM-wide: an application that embeds the
    // detector and runs a JDK HTTP server of its own gets them too (set them to keep others).
    System.setProperty(
        "sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "30"));
    System.setProperty(
        "sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "30"));
  }

  private final HttpServer server;
  private final ExecutorService threads;

  private HttpEndpoints(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
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
    AtomicInteger n = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "vaestream-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
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
    return new HttpEndpoints(server, threads);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void reply(HttpExchange ex, int status, String body, String type)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    if ("HEAD".equals(ex.getRequestMethod())) {
      // the status alone: a body after headers sent for HEAD is refused ("too many bytes")
      ex.sendResponseHeaders(status, -1);
      ex.close();
      return;
    }
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
