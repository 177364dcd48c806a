package io.vaestream.schemas.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A registry's answer read into memory, never more than a limit: the JDK's string body reads
 * whatever the server sends, and a registry (or a proxy in front of it) that answers an id with
 * gigabytes would take the detector's heap with it. A 200 answer over {@link #ANSWER_LIMIT}
 * fails with {@link TooLarge}; the body of any other status is cut at {@link #ERROR_LIMIT}, which
 * is enough for the error message it carries.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<String> {
  /** The most a 200 answer may hold: a schema this size could not even be stored in Kafka. */
  static final int ANSWER_LIMIT = 4 << 20;
  /** What is kept of another status's body. */
  static final int ERROR_LIMIT = 64 << 10;

  /** The body's failure when a 200 answer goes past {@link #ANSWER_LIMIT}. */
  static final class TooLarge extends IOException {
    TooLarge(long limit) {
      super(String.format(Locale.ROOT, "answered with more than %d MiB", limit >> 20));
    }

    /** The TooLarge in {@code t}'s chain of causes (the HTTP client may wrap it), or null. */
    static TooLarge in(Throwable t) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        if (c instanceof TooLarge large) {
          return large;
        }
      }
      return null;
    }
  }

  private final int limit;
  private final boolean failBeyond;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CompletableFuture<String> body = new CompletableFuture<>();
  private Flow.Subscription subscription;

  private BoundedBody(int limit, boolean failBeyond) {
    this.limit = limit;
    this.failBeyond = failBeyond;
  }

  /** Bodies of 200 answers bounded by {@link #ANSWER_LIMIT}, others cut at {@link #ERROR_LIMIT}. */
  static HttpResponse.BodyHandler<String> handler() {
    return info -> info.statusCode() == 200
        ? new BoundedBody(ANSWER_LIMIT, true)
        : new BoundedBody(ERROR_LIMIT, false);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    for (ByteBuffer b : items) {
      int room = limit - bytes.size();
      if (b.remaining() > room) {
        // the answer first, then the cancel: whatever the client does on cancel comes too late
        if (failBeyond) {
          body.completeExceptionally(new TooLarge(limit));
        } else {
          write(b, room);
          onComplete();
        }
        subscription.cancel();
        return;
      }
      write(b, b.remaining());
    }
    subscription.request(1);
  }

  private void write(ByteBuffer b, int count) {
    byte[] chunk = new byte[count];
    b.get(chunk);
    bytes.write(chunk, 0, count);
  }

  @Override
  public void onError(Throwable t) {
    body.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    body.complete(bytes.toString(StandardCharsets.UTF_8));
  }

  @Override
  public CompletionStage<String> getBody() {
    return body;
  }
}
