package io.vaestream.detector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HttpEndpointsTest {
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> send(int port, String method, String path) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(5))
        .build();
    return client.send(r, HttpResponse.BodyHandlers.ofString());
  }

  /** One thread served every request: a client that sent a byte and stalled held all probes. */
  @Test
  @Timeout(30)
  void shouldAnswerProbesWhileAClientStallsMidRequest() throws Exception {
    try (HttpEndpoints http =
            HttpEndpoints.start("127.0.0.1", 0, () -> "m 1\n", () -> null, () -> "warming up");
        Socket stalled = new Socket("127.0.0.1", http.port())) {
      OutputStream out = stalled.getOutputStream();
      out.write('G');
      out.flush();

      HttpResponse<String> health = send(http.port(), "GET", "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("UP\n");
      HttpResponse<String> ready = send(http.port(), "GET", "/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).isEqualTo("NOT READY: warming up\n");
    }
  }

  /** A load balancer's HEAD probe: the status, no body, and no failed write on the server. */
  @Test
  @Timeout(30)
  void shouldAnswerAHeadRequestWithTheStatusAlone() throws Exception {
    try (HttpEndpoints http =
        HttpEndpoints.start("127.0.0.1", 0, () -> "m 1\n", () -> null, () -> "warming up")) {
      assertThat(send(http.port(), "HEAD", "/health").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = send(http.port(), "HEAD", "/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).isEmpty();
      assertThat(send(http.port(), "GET", "/metrics").body()).isEqualTo("m 1\n");
    }
  }
}
