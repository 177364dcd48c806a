package io.vaestream.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vaestream.schemas.registry.SchemaRegistryException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.types.Password;

/**
 * A small client of a schema registry's Confluent-compatible REST API: the writer schema of an
 * id ({@code GET /schemas/ids/{id}}) and the id of a schema under a subject ({@code POST
 * /subjects/{subject}/versions}, which registers it or returns the id it already has). Answers
 * are cached for the life of the client: an id names one schema forever, so a running detector
 * asks the registry once per id and goes on scoring through a registry outage.
 *
 * <p>Several URLs may be given, comma-separated; each request tries them in order until one
 * answers. Credentials are sent as HTTP basic authentication and never appear in a message; URLs
 * are shown without any user info.
 */
public final class SchemaRegistryClient {
  /** Comma-separated base URLs, e.g. {@code http://registry:8080/apis/ccompat/v7}. */
  public static final String URL = "schema.registry.url";
  /** {@code user:password} for HTTP basic authentication. */
  public static final String BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";

  public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
  public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
  public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
  public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  /**
   * How long the registry's "not found" for an id stands. Short: a producer may write with an id
   * it registered a moment ago that a follower or a store still catching up does not serve yet,
   * and every record with that id is dead-lettered while the answer stands.
   */
  private static final Duration MISSING_TTL = Duration.ofSeconds(5);
  /**
   * How long an id's schema that the detector cannot read (not Avro, not valid, or an answer over
   * {@link BoundedBody#ANSWER_LIMIT}) stands: ids never change.
   */
  private static final Duration UNREADABLE_TTL = Duration.ofHours(1);

  private final List<URI> urls;
  private final String authorization;
  private final HttpClient http;
  private final Duration timeout;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
  /**
   * Ids the registry said it does not have, or whose schema is not one the detector reads, with
   * the answer: one call per id for a while, not one per record.
   */
  private final Map<Integer, Missing> missing = new ConcurrentHashMap<>();

  /** The registry's NOT_FOUND answer for an id, and until when (System.nanoTime) it stands. */
  private record Missing(String why, long until) {}

  private SchemaRegistryClient(List<URI> urls, String userInfo, SSLContext ssl, Duration timeout) {
    this.urls = urls;
    this.authorization = userInfo == null || userInfo.isEmpty()
        ? null
        : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    this.timeout = timeout;
    HttpClient.Builder b =
        HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    this.http = b.build();
  }

  /**
   * A client from settings named as in this class ({@link #URL} and the others); values may be
   * strings or, for the secrets, Kafka's {@code Password}. Throws {@link IllegalArgumentException}
   * naming the key of a bad value.
   */
  public static SchemaRegistryClient create(Map<String, ?> settings) {
    String urlList = text(settings.get(URL));
    if (urlList == null || urlList.isBlank()) {
      throw new IllegalArgumentException(URL + " is not set");
    }
    List<URI> urls = new ArrayList<>();
    for (String u : urlList.split(",")) {
      String s = u.trim().replaceAll("/+$", "");
      URI uri;
      try {
        uri = URI.create(s);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(URL + ": not a URL: " + redact(s), e);
      }
      if (uri.getUserInfo() != null) {
        throw new IllegalArgumentException(
            URL + ": " + redact(s) + " carries credentials, which are not sent from "
                + "there; give them as " + BASIC_AUTH_USER_INFO);
      }
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new IllegalArgumentException(URL + ": not an http(s) URL: " + redact(uri));
      }
      urls.add(uri);
    }
    String timeoutMs = text(settings.get(REQUEST_TIMEOUT_MS));
    Duration timeout = Duration.ofMillis(timeoutMs == null ? 10_000 : Long.parseLong(timeoutMs));
    return new SchemaRegistryClient(
        List.copyOf(urls), text(settings.get(BASIC_AUTH_USER_INFO)), ssl(settings), timeout);
  }

  /** A client of the registry at {@code url}, with no credentials and the default timeout. */
  public static SchemaRegistryClient at(String url) {
    return create(Map.of(URL, url));
  }

  /** The base URLs, without user info, for messages. */
  public String describe() {
    return String.join(",", urls.stream().map(SchemaRegistryClient::redact).toList());
  }

  /** The writer schema registered under {@code id}. */
  public Schema schemaById(int id) {
    Schema known = schemasById.get(id);
    if (known != null) {
      return known;
    }
    Missing gone = missing.get(id);
    if (gone != null && System.nanoTime() < gone.until()) {
      throw new SchemaRegistryException(Kind.NOT_FOUND, gone.why() + " (answer cached)", null);
    }
    JsonNode answer;
    try {
      answer = call("GET", "/schemas/ids/" + id, null, "schema id " + id);
    } catch (SchemaRegistryException e) {
      if (e.kind() == Kind.NOT_FOUND) {
        remember(
            id, e, e.getCause() instanceof BoundedBody.TooLarge ? UNREADABLE_TTL : MISSING_TTL);
      }
      throw e;
    }
    if (!answer.path("schema").isTextual()) {
      // not an answer about this id (a proxy's page, another API): asked again, not remembered
      throw new SchemaRegistryException(
          Kind.UNAVAILABLE, "schema id " + id + ": the registry's answer has no schema", null);
    }
    String type = answer.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw remember(
          id,
          new SchemaRegistryException(
              Kind.NOT_FOUND, "schema id " + id + " is a " + type + " schema, not Avro", null),
          UNREADABLE_TTL);
    }
    Schema schema;
    try {
      schema = new Schema.Parser()
          .setValidateDefaults(false)
          .parse(answer.path("schema").asText());
    } catch (SchemaParseException e) {
      throw remember(
          id,
          new SchemaRegistryException(
              Kind.NOT_FOUND,
              "schema id " + id + " is not a valid Avro schema: " + e.getMessage(),
              e),
          UNREADABLE_TTL);
    }
    schemasById.put(id, schema);
    return schema;
  }

  /** Keeps {@code answer} for {@code id} for {@code ttl}, and returns it to be thrown. */
  private SchemaRegistryException remember(int id, SchemaRegistryException answer, Duration ttl) {
    if (missing.size() > 10_000) {
      missing.clear();
    }
    missing.put(id, new Missing(answer.getMessage(), System.nanoTime() + ttl.toNanos()));
    return answer;
  }

  /** The id of {@code schema} under {@code subject}, registering it there if it is new. */
  public int register(String subject, Schema schema) {
    String key = subject + '\n' + schema;
    Integer known = idsBySubjectAndSchema.get(key);
    if (known != null) {
      return known;
    }
    ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
    JsonNode answer = call(
        "POST",
        "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions",
        body.toString(),
        "subject " + subject);
    if (!answer.path("id").canConvertToInt()) {
      throw new SchemaRegistryException(
          Kind.REFUSED, "registering under subject " + subject + ": no id in " + answer, null);
    }
    int id = answer.path("id").asInt();
    idsBySubjectAndSchema.put(key, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  /**
   * The first 200 answer of the URLs in turn. An id or subject is {@code NOT_FOUND} only when every
   * URL said so: a replica that is behind, beside one that is down, must not dead-letter records.
   * An answer too large to read ({@link BoundedBody}) counts as such a "no": a broken replica or a
   * proxy's page, beside a registry that may still answer.
   */
  private JsonNode call(String method, String path, String body, String what) {
    SchemaRegistryException last = null;
    SchemaRegistryException notFound = null;
    SchemaRegistryException tooLarge = null;
    int answeredNotFound = 0;
    int answeredTooLarge = 0;
    for (URI base : urls) {
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path))
          .timeout(timeout)
          .header("Accept", CONTENT_TYPE + ", application/json");
      if (authorization != null) {
        req.header("Authorization", authorization);
      }
      req.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (body != null) {
        req.header("Content-Type", CONTENT_TYPE);
      }
      HttpResponse<String> res;
      CompletableFuture<HttpResponse<String>> exchange =
          http.sendAsync(req.build(), BoundedBody.handler());
      try {
        // the whole answer within the timeout: the request's own timeout stops at the headers, so
        // a registry that stalled mid-body held the stream thread for ever
        res = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        exchange.cancel(true);
        last = new SchemaRegistryException(
            Kind.UNAVAILABLE,
            String.format(
                "%s: schema registry %s did not answer within %d ms",
                what, redact(base), timeout.toMillis()),
            e);
        continue;
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        BoundedBody.TooLarge large = BoundedBody.TooLarge.in(cause);
        if (large != null) {
          String message = what + ": schema registry " + redact(base) + " " + large.getMessage();
          if (!"GET".equals(method)) {
            throw new SchemaRegistryException(Kind.REFUSED, message, large);
          }
          tooLarge = new SchemaRegistryException(Kind.NOT_FOUND, message, large);
          answeredTooLarge++;
          continue;
        }
        last = new SchemaRegistryException(
            Kind.UNAVAILABLE,
            String.format(
                "%s: schema registry %s did not answer (%s)",
                what,
                redact(base),
                cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage())),
            cause);
        continue;
      } catch (InterruptedException e) {
        exchange.cancel(true);
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException(Kind.UNAVAILABLE, what + ": interrupted", e);
      }
      int status = res.statusCode();
      if (status == 200) {
        try {
          return JSON.readTree(res.body());
        } catch (IOException e) {
          throw new SchemaRegistryException(
              Kind.UNAVAILABLE,
              what + ": schema registry " + redact(base)
                  + " answered with something other than JSON",
              e);
        }
      }
      String message = String.format(
          "%s: schema registry %s answered HTTP %d %s",
          what, redact(base), status, errorMessage(res.body()));
      if (status >= 300 && status < 400) {
        // not followed: the credentials and the schema would go to an address nobody gave
        throw new SchemaRegistryException(
            Kind.REFUSED,
            String.format(
                "%s: schema registry %s answered HTTP %d, a redirect to %s, which is not "
                    + "followed; give that address as the registry's URL",
                what,
                redact(base),
                status,
                res.headers()
                    .firstValue("Location")
                    .map(SchemaRegistryClient::redact)
                    .orElse("nowhere")),
            null);
      }
      if (status == 404) {
        notFound = new SchemaRegistryException(Kind.NOT_FOUND, message, null);
        answeredNotFound++;
        continue;
      }
      if (status == 401 || status == 403 || status == 409 || status == 422 || status == 400) {
        throw new SchemaRegistryException(Kind.REFUSED, message, null);
      }
      last = new SchemaRegistryException(Kind.UNAVAILABLE, message, null);
    }
    if (answeredNotFound + answeredTooLarge < urls.size()) {
      throw last;
    }
    // every URL said no: a 404 stands for seconds, an answer too large to read for an hour
    throw notFound != null ? notFound : tooLarge;
  }

  /** The registry's own error message, when it gave one in the usual {@code {"message": ...}} form. */
  private static String errorMessage(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      String m = n.path("message").asText("");
      return m.isEmpty() ? "" : "(" + m + ")";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** {@code urls} with any {@code user:password@} taken out, for messages. */
  public static String redact(String urls) {
    return urls == null ? null : urls.replaceAll("//[^/@,]*@", "//");
  }

  private static String redact(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  private static SSLContext ssl(Map<String, ?> settings) {
    String location = text(settings.get(TRUSTSTORE_LOCATION));
    if (location == null || location.isBlank()) {
      return null;
    }
    String password = text(settings.get(TRUSTSTORE_PASSWORD));
    String type = text(settings.get(TRUSTSTORE_TYPE));
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      KeyStore store = KeyStore.getInstance(type == null ? KeyStore.getDefaultType() : type);
      store.load(in, password == null ? null : password.toCharArray());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          TRUSTSTORE_LOCATION + ": cannot load trust store " + location + ": " + e.getMessage(), e);
    }
  }

  /**
   * A setting's text, null when absent or blank; Kafka's {@code Password} hides its value in
   * toString, so it is read through value().
   */
  private static String text(Object v) {
    String s = v == null ? null : v instanceof Password p ? p.value() : v.toString();
    return s == null || s.isBlank() ? null : s;
  }
}
