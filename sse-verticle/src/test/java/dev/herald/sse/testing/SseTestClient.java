package dev.herald.sse.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A test client for Server-Sent Events: opens one stream with a Vert.x {@link HttpClient}, parses the
 * body exactly as a browser's {@code EventSource} would ({@link SseParser}) and records everything:
 * status, headers, events, comments, {@code retry:} values and the raw body bytes.
 *
 * <pre>{@code
 * SseTestClient.open(vertx, port, "/v1/stream?channel=a", Map.of("Last-Event-ID", id))
 *     .compose(c -> c.awaitEvents(3, Duration.ofSeconds(10)))
 *     .onComplete(ctx.succeeding(events -> ctx.verify(() -> assertEquals("1", events.get(0).data()))));
 * }</pre>
 *
 * <p>Methods may be called from any thread; {@code await…} futures complete on a Vert.x thread and fail
 * with a {@link TimeoutException} naming what was received when the deadline passes. One client is one
 * connection: {@link #close()} closes it (the server sees the client go away).
 */
public final class SseTestClient {
  private final Vertx vertx;
  private final HttpClient http;
  private final List<SseEvent> events = new ArrayList<>();
  private final List<String> comments = new ArrayList<>();
  private final List<Long> retries = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Buffer raw = Buffer.buffer();
  private final SseParser parser;
  private final Promise<Void> ended = Promise.promise();
  private volatile HttpClientResponse response;
  private int status;
  private MultiMap headers = MultiMap.caseInsensitiveMultiMap();

  private final class Waiter {
    final Predicate<SseTestClient> done;
    final Promise<Void> promise = Promise.promise();
    volatile long timer = -1;

    Waiter(Predicate<SseTestClient> done) {
      this.done = done;
    }
  }

  private SseTestClient(Vertx vertx, HttpClient http) {
    this.vertx = vertx;
    this.http = http;
    this.parser = new SseParser(new SseParser.Listener() {
      @Override
      public void event(SseEvent event) {
        synchronized (SseTestClient.this) {
          events.add(event);
        }
      }

      @Override
      public void comment(String text) {
        synchronized (SseTestClient.this) {
          comments.add(text);
        }
      }

      @Override
      public void retry(long millis) {
        synchronized (SseTestClient.this) {
          retries.add(millis);
        }
      }
    });
  }

  /** Opens {@code uri} on {@code localhost:port}; completes once the response head arrived (any status). */
  public static Future<SseTestClient> open(Vertx vertx, int port, String uri) {
    return open(vertx, port, uri, Map.of());
  }

  /**
   * Opens {@code uri} on {@code localhost:port} with extra request headers (for example
   * {@code Last-Event-ID}); completes once the response head arrived, whatever its status.
   */
  public static Future<SseTestClient> open(Vertx vertx, int port, String uri, Map<String, String> requestHeaders) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(port)
        .setURI(uri).putHeader("Accept", "text/event-stream");
    requestHeaders.forEach(options::putHeader);
    // The request is made on one event-loop context, so the response's handlers are set by the callback that
    // runs as its head arrives, on that same thread, before any body bytes are handed on. Made from another
    // thread, the callback runs as a task of its own, and the first bytes (the prelude, a replay, a whole
    // short error body) may come before it: they were lost, or the response had ended already.
    Context context = vertx.getOrCreateContext();
    Promise<SseTestClient> opened = Promise.promise();
    context.runOnContext(v -> {
      HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
      SseTestClient client = new SseTestClient(vertx, http);
      http.request(options)
          .compose(req -> req.send())
          .onSuccess(response -> {
            client.started(response);
            opened.complete(client);
          })
          .onFailure(e -> {
            http.close();
            opened.fail(e);
          });
    });
    return opened.future();
  }

  private void started(HttpClientResponse response) {
    this.response = response;
    synchronized (this) {
      status = response.statusCode();
      headers = MultiMap.caseInsensitiveMultiMap().addAll(response.headers());
    }
    response.handler(chunk -> {
      synchronized (this) {
        raw.appendBuffer(chunk);
        parser.feed(chunk);
      }
      check();
    });
    response.exceptionHandler(e -> finish());
    response.endHandler(v -> finish());
    response.request().connection().closeHandler(v -> finish());
  }

  private void finish() {
    ended.tryComplete();
    check();
  }

  /** The response status. */
  public synchronized int status() {
    return status;
  }

  /** The response headers. */
  public synchronized MultiMap headers() {
    return headers;
  }

  /** One response header, or {@code null}. */
  public synchronized String header(String name) {
    return headers.get(name);
  }

  /** The events dispatched so far, in order (a copy). */
  public synchronized List<SseEvent> events() {
    return List.copyOf(events);
  }

  /** The events named {@code type} dispatched so far (a copy). */
  public synchronized List<SseEvent> events(String type) {
    return events.stream().filter(e -> e.type().equals(type)).toList();
  }

  /** The comment lines received so far, each without its leading colon (a copy). */
  public synchronized List<String> comments() {
    return List.copyOf(comments);
  }

  /** The {@code retry:} values received so far, in milliseconds (a copy). */
  public synchronized List<Long> retries() {
    return List.copyOf(retries);
  }

  /** Every body byte received so far (a copy). */
  public synchronized Buffer raw() {
    return raw.copy();
  }

  /** The body received so far as UTF-8 text, for non-SSE answers such as a problem document. */
  public synchronized String body() {
    return raw.toString();
  }

  /** The id an {@code EventSource} would send back as {@code Last-Event-ID} now ({@code ""} when none). */
  public synchronized String lastEventId() {
    return parser.lastEventId();
  }

  /** True once the server ended or closed the stream. */
  public boolean isEnded() {
    return ended.future().isComplete();
  }

  /** Completes with the first {@code n} events once that many arrived. */
  public Future<List<SseEvent>> awaitEvents(int n, Duration within) {
    return await(c -> c.events.size() >= n, within, "at least " + n + " events").map(v -> events().subList(0, n));
  }

  /** Completes with the first event matching {@code match}, waiting for it if needed. */
  public Future<SseEvent> awaitEvent(Predicate<SseEvent> match, Duration within) {
    return await(c -> c.events.stream().anyMatch(match), within, "a matching event")
        .map(v -> events().stream().filter(match).findFirst().orElseThrow());
  }

  /** Completes with the comments once at least {@code n} arrived. */
  public Future<List<String>> awaitComments(int n, Duration within) {
    return await(c -> c.comments.size() >= n, within, "at least " + n + " comments").map(v -> comments());
  }

  /** Completes once at least {@code n} body bytes arrived. */
  public Future<Buffer> awaitBytes(int n, Duration within) {
    return await(c -> c.raw.length() >= n, within, "at least " + n + " bytes").map(v -> raw());
  }

  /** Completes once the server ended or closed the stream. */
  public Future<Void> awaitEnd(Duration within) {
    return await(c -> c.isEnded(), within, "the end of the stream");
  }

  /** Stops reading the stream (TCP backpressure reaches the server), as a slow or stalled client would. */
  public void pause() {
    response.pause();
  }

  /** Reads the stream again after {@link #pause()}. */
  public void resume() {
    response.resume();
  }

  /** Closes the connection. */
  public Future<Void> close() {
    return http.close();
  }

  private Future<Void> await(Predicate<SseTestClient> condition, Duration within, String what) {
    Waiter w = new Waiter(condition);
    synchronized (this) {
      if (condition.test(this)) {
        return Future.succeededFuture();
      }
      waiters.add(w);
    }
    w.timer = vertx.setTimer(Math.max(1, within.toMillis()), id -> {
      boolean mine;
      synchronized (this) {
        mine = waiters.remove(w);
      }
      if (mine) {
        w.promise.tryFail(new TimeoutException("waited " + within + " for " + what + "; got " + describe()));
      }
    });
    check();
    return w.promise.future();
  }

  private void check() {
    List<Waiter> done = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (w.done.test(this)) {
          it.remove();
          done.add(w);
        }
      }
    }
    for (Waiter w : done) {
      if (w.timer >= 0) {
        vertx.cancelTimer(w.timer);
      }
      w.promise.tryComplete();
    }
  }

  private synchronized String describe() {
    return "status " + status + ", " + events.size() + " events " + events + ", " + comments.size() + " comments, "
        + raw.length() + " bytes, ended " + isEnded();
  }
}
