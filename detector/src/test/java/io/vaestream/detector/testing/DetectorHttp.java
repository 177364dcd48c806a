package io.vaestream.detector.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The HTTP endpoints of a test detector on 127.0.0.1: {@code /metrics}, {@code /health}, {@code /ready}. */
public final class DetectorHttp {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private DetectorHttp() {}

  public static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** What Prometheus scrapes from {@code /metrics}. */
  public static String metrics(int port) throws IOException, InterruptedException {
    return get(port, "/metrics").body();
  }
}
