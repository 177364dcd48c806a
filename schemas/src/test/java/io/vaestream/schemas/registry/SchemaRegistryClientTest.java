package io.vaestream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.vaestream.events.ImageEvent;
import io.vaestream.events.PixelFormat;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.schemas.registry.SchemaRegistryException.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SchemaRegistryClientTest {

  @Test
  void shouldRefuseSettingsWithoutAUsableUrlNamingTheKey() {
    assertThatThrownBy(() -> SchemaRegistryClient.create(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema.registry.url is not set");
    assertThatThrownBy(
            () -> SchemaRegistryClient.create(Map.of(SchemaRegistryClient.URL, "registry:8081")))
        .hasMessageContaining("schema.registry.url: not an http(s) URL");
    assertThatThrownBy(() -> SchemaRegistryClient.create(Map.of(
            SchemaRegistryClient.URL,
            "http://r:1",
            SchemaRegistryClient.TRUSTSTORE_LOCATION,
            "/no/such/truststore.p12")))
        .hasMessageContaining(
            "schema.registry.ssl.truststore.location: cannot load trust store /no/such/truststore.p12");
  }

  @Test
  void shouldSayTheRegistryIsUnavailableWithoutShowingCredentials() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThatThrownBy(() -> SchemaRegistryClient.create(Map.of(
            SchemaRegistryClient.URL,
            "http://alice:secret@127.0.0.1:" + closed + "/apis/ccompat/v7")))
        .hasMessageContaining("carries credentials")
        .hasMessageContaining("schema.registry.basic.auth.user.info")
        .hasMessageNotContaining("secret");
    SchemaRegistryClient client = SchemaRegistryClient.create(Map.of(
        SchemaRegistryClient.URL, "http://127.0.0.1:" + closed + "/apis/ccompat/v7/",
        SchemaRegistryClient.BASIC_AUTH_USER_INFO, "bob:hunter2",
        SchemaRegistryClient.REQUEST_TIMEOUT_MS, "2000"));
    assertThat(client.describe()).isEqualTo("http://127.0.0.1:" + closed + "/apis/ccompat/v7");
    assertThatThrownBy(() -> client.schemaById(7))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
          assertThat(e.isTransient()).isTrue();
        })
        .hasMessageContaining("schema id 7: schema registry http://127.0.0.1:" + closed
            + "/apis/ccompat/v7 did not answer")
        .hasMessageNotContaining("secret")
        .hasMessageNotContaining("hunter2");
  }

  /**
   * A JSON-Schema or Protobuf producer on the input topic: its schema is asked for once, not once
   * per record on the stream thread.
   */
  @Test
  void shouldAskOnceForASchemaItCannotRead() throws IOException {
    AtomicInteger asked = new AtomicInteger();
    HttpServer registry = registry(answering("{\"schemaType\":\"JSON\",\"schema\":\"{}\"}", asked));
    try {
      SchemaRegistryClient client = SchemaRegistryClient.at(url(registry));
      assertNotFoundThreeTimes(client, 12, "schema id 12 is a JSON schema, not Avro");
      assertThat(asked).hasValue(1);
    } finally {
      registry.stop(0);
    }
  }

  /**
   * A redirect is not followed: the JDK's client followed one to any host, with the credentials
   * and, on a POST, the schema, to an address nobody gave.
   */
  @Test
  void shouldNotFollowARedirectToAnotherAddress() throws IOException {
    AtomicInteger elsewhere = new AtomicInteger();
    HttpServer other = registry(answering("{\"schema\":\"\\\"string\\\"\"}", elsewhere));
    HttpServer registry = registry(ex -> {
      ex.getResponseHeaders().add("Location", url(other) + "/schemas/ids/3");
      ex.sendResponseHeaders(307, -1);
      ex.close();
    });
    try {
      SchemaRegistryClient client = SchemaRegistryClient.create(Map.of(
          "schema.registry.url",
          url(registry),
          "schema.registry.basic.auth.user.info",
          "user:secret"));
      assertThatThrownBy(() -> client.schemaById(3))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REFUSED))
          .hasMessageContaining("answered HTTP 307, a redirect to " + url(other) + "/schemas/ids/3")
          .hasMessageContaining("not followed");
      assertThat(elsewhere).hasValue(0);
    } finally {
      registry.stop(0);
      other.stop(0);
    }
  }

  /**
   * An answer of 5 MiB for an id (a misconfigured proxy, a hostile registry): once read whole into
   * the detector's heap, now refused at 4 MiB, and not asked for again per record. An error page
   * of 10 MiB is cut to the part that carries its message.
   */
  @Test
  void shouldRefuseAnAnswerTooLargeToReadAndCutAHugeErrorPage() throws IOException {
    AtomicInteger asked = new AtomicInteger();
    HttpServer registry = registry(ex -> {
      asked.incrementAndGet();
      boolean error = ex.getRequestURI().getPath().endsWith("/500");
      ex.sendResponseHeaders(error ? 500 : 200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        out.write("{\"message\":\"huge\",\"schema\":\"".getBytes(StandardCharsets.UTF_8));
        byte[] filler = new byte[1 << 20];
        Arrays.fill(filler, (byte) 'x');
        for (int i = 0; i < (error ? 10 : 5); i++) {
          out.write(filler);
        }
        out.write("\"}".getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // the client stopped reading, as it should
      }
    });
    try {
      SchemaRegistryClient client = SchemaRegistryClient.at(url(registry));
      assertNotFoundThreeTimes(
          client,
          12,
          "schema id 12: schema registry http://127.0.0.1:",
          "answered with more than 4 MiB");
      assertThat(asked).hasValue(1);
      assertThatThrownBy(() -> client.schemaById(500))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class, e -> assertThat(e.isTransient()).isTrue())
          .hasMessageContaining("answered HTTP 500")
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1_000));
      // a broken replica beside a registry that answers: the other one is asked, and believed
      HttpServer good = registry(answering("{\"schema\":\"\\\"string\\\"\"}", new AtomicInteger()));
      try {
        SchemaRegistryClient both = SchemaRegistryClient.create(
            Map.of(SchemaRegistryClient.URL, url(registry) + "," + url(good)));
        assertThat(both.schemaById(12).getType()).isEqualTo(Schema.Type.STRING);
      } finally {
        good.stop(0);
      }
    } finally {
      registry.stop(0);
    }
  }

  /** Headers, then nothing: the request's own timeout stops at the headers and the call hung. */
  @Test
  @Timeout(30)
  void shouldGiveUpOnARegistryThatStallsMidAnswer() throws Exception {
    try (ServerSocket stalling = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> {
        try (Socket s = stalling.accept()) {
          s.getOutputStream()
              .write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"sch"
                  .getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          Thread.sleep(20_000); // the stall the client must not wait out
        } catch (IOException | InterruptedException e) {
          // the test is over
        }
      });
      server.setDaemon(true);
      server.start();
      SchemaRegistryClient client = SchemaRegistryClient.create(Map.of(
          SchemaRegistryClient.URL,
          "http://127.0.0.1:" + stalling.getLocalPort(),
          SchemaRegistryClient.REQUEST_TIMEOUT_MS,
          "1000"));
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> client.schemaById(3))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class, e -> assertThat(e.isTransient()).isTrue())
          .hasMessageContaining("did not answer within 1000 ms");
      assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
    }
  }

  @Test
  void shouldTellTheConfluentFramingApart() {
    byte[] framed = ByteBuffer.allocate(7)
        .put((byte) 0)
        .putInt(258)
        .put(new byte[] {2, 'x'})
        .array();
    assertThat(RegistryAvro.isFramed(framed)).isTrue();
    assertThat(RegistryAvro.schemaId(framed)).isEqualTo(258);
    assertThat(RegistryAvro.isFramed(new byte[] {0, 0, 0, 1}))
        .as("too short for an id")
        .isFalse();
    assertThat(RegistryAvro.isFramed(new byte[] {(byte) 0xC3, 1, 0, 0, 0})).isFalse();
    assertThat(RegistryAvro.subject("images")).isEqualTo("images-value");
  }

  @Test
  void shouldReadSingleObjectEncodingWithoutARegistryAndRefuseTheConfluentFormat() {
    var either =
        RegistryAvro.eitherFormat(AvroSerdes.imageEvent().deserializer(), null, ImageEvent.class);
    ImageEvent e = ImageEvent.newBuilder()
        .setId("a")
        .setSource("s")
        .setEventTime(Instant.EPOCH)
        .setWidth(1)
        .setHeight(1)
        .setChannels(1)
        .setPixelFormat(PixelFormat.GRAY8)
        .setPixels(ByteBuffer.wrap(new byte[1]))
        .setAttributes(Map.of())
        .build();
    assertThat(either.deserialize("t", AvroSerdes.encode(e)).getId()).isEqualTo("a");
    byte[] framed = ByteBuffer.allocate(6).put((byte) 0).putInt(3).put((byte) 2).array();
    assertThatThrownBy(() -> either.deserialize("t", framed))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining(
            "ImageEvent in the Confluent wire format (schema id 3): reading it needs a schema registry");
  }

  /** Asks for {@code id} three times; each is refused as not found, naming {@code messages}. */
  private static void assertNotFoundThreeTimes(
      SchemaRegistryClient client, int id, String... messages) {
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> client.schemaById(id))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
          .satisfies(e -> assertThat(e.getMessage()).contains(messages));
    }
  }

  /** A registry on 127.0.0.1 that answers {@code GET /schemas/ids/{id}} with {@code ids}. */
  private static HttpServer registry(HttpHandler ids) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/schemas/ids/", ids);
    server.start();
    return server;
  }

  /** Answers 200 with {@code json}, counting the calls. */
  private static HttpHandler answering(String json, AtomicInteger asked) {
    return ex -> {
      asked.incrementAndGet();
      byte[] b = json.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    };
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }
}
