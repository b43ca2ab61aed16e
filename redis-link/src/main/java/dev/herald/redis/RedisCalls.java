package dev.herald.redis;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a Redis store talks to Redis — the one transport of both stores: calls with a deadline, pipelined on
 * one connection ({@link RedisLink}: lanes per hash slot, reconnects, {@code SCRIPT LOAD} and the
 * {@code NOSCRIPT} retry), on an event-loop context of its own, so the caller's loop never waits.
 *
 * <ul>
 *   <li><b>Deadline.</b> An operation ({@link #timed}) fails with {@link RedisTimeoutException} once
 *   {@code timeoutMs} pass (a hung Redis never hangs a caller); what it had not written by then is never
 *   written. A reply that still comes after the deadline goes to the operation's {@code late} handler.</li>
 *   <li><b>Order.</b> Operations start in the order they are called; the calls of one lane leave in that
 *   order too.</li>
 *   <li><b>Results</b> are delivered on the caller's context (when it has one).</li>
 *   <li><b>State changes are logged once:</b> the first failure after a success, and the first success after
 *   failures.</li>
 * </ul>
 * Safe from any thread; never blocks.
 */
public final class RedisCalls {
  private static final Logger LOG = LoggerFactory.getLogger(RedisCalls.class);

  private final Vertx vertx;
  private final Context context;
  private final RedisLink link;
  private final String owner;
  private final long timeoutMs;
  private volatile boolean healthy = true;
  private volatile boolean closed;

  /**
   * @param redis     the caller's client (standalone or cluster); one connection is borrowed from it, the
   *                  client is never closed here
   * @param scripts   the scripts to load on every new connection
   * @param owner     who calls, for log lines ("history store herald")
   * @param timeoutMs how long an operation may take
   */
  public RedisCalls(Vertx vertx, Redis redis, List<LuaScript> scripts, String owner, long timeoutMs) {
    if (timeoutMs < 1) {
      throw new IllegalArgumentException("the Redis request timeout must be at least 1 ms");
    }
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.owner = owner;
    this.timeoutMs = timeoutMs;
    this.context = OwnContext.create(vertx);
    this.link = new RedisLink(context, Objects.requireNonNull(redis, "redis"), scripts, owner);
  }

  public long timeoutMs() {
    return timeoutMs;
  }

  /** Pipelines written so far (each one network round trip), NOSCRIPT retries included. */
  public long roundTrips() {
    return link.roundTrips();
  }

  /** Groups of calls sent again as EVAL after NOSCRIPT. */
  public long scriptReloads() {
    return link.scriptReloads();
  }

  /**
   * Runs {@code op} under the deadline, on the link's context. {@code op} gets a flag that turns true at
   * the deadline (pass it to {@link #each} and {@link #all}); a result that comes after it goes to
   * {@code late} (may be {@code null}) instead of the caller.
   */
  public <T> Future<T> timed(String what, Function<BooleanSupplier, Future<T>> op, Consumer<T> late) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException(owner + " is closed"));
    }
    Context caller = Vertx.currentContext();
    Promise<T> result = Promise.promise();
    try {
      link.onContext(() -> run(what, op, late, result));
    } catch (RejectedExecutionException e) {
      return Future.failedFuture(new IllegalStateException(owner + ": its Vert.x instance is closed"));
    }
    if (caller == null || caller == context) {
      return result.future();
    }
    Promise<T> delivered = Promise.promise();
    result.future().onComplete(ar -> caller.runOnContext(x -> delivered.handle(ar)));
    return delivered.future();
  }

  private <T> void run(String what, Function<BooleanSupplier, Future<T>> op, Consumer<T> late, Promise<T> result) {
    boolean[] over = {false};
    long timer = vertx.setTimer(timeoutMs, id -> {
      if (!over[0]) {
        over[0] = true;
        RedisTimeoutException e = new RedisTimeoutException(what, timeoutMs);
        failed(e);
        result.tryFail(e);
        link.onContext(() -> link.timedOut(TimeUnit.MILLISECONDS.toNanos(timeoutMs)));
      }
    });
    Future<T> running;
    try {
      running = op.apply(() -> over[0]);
    } catch (RuntimeException e) {
      running = Future.failedFuture(e);
    }
    running.onComplete(ar -> link.onContext(() -> {
      if (over[0]) {
        if (ar.succeeded() && late != null) {
          late.accept(ar.result());
        }
        return;
      }
      over[0] = true;
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        succeeded();
        result.tryComplete(ar.result());
      } else {
        Throwable cause = clear(ar.cause());
        failed(cause);
        result.tryFail(cause);
      }
    }));
  }

  /** The calls in one pipeline, each with its own result (inside {@link #timed}). */
  public Future<List<AsyncResult<Response>>> each(List<RedisCall> calls, BooleanSupplier cancelled) {
    return calls.isEmpty() ? Future.succeededFuture(List.of()) : link.pipeline(calls, cancelled);
  }

  /** The calls in one pipeline; their replies in order, or the first failure (inside {@link #timed}). */
  public Future<List<Response>> all(List<RedisCall> calls, BooleanSupplier cancelled) {
    return each(calls, cancelled).compose(RedisCalls::allOrFirstFailure);
  }

  /** One call under the deadline; fails on an error reply. */
  public Future<Response> send(String what, RedisCall call, Consumer<Response> late) {
    return timed(what, c -> all(List.of(call), c).map(r -> r.get(0)), late);
  }

  /**
   * The calls in one pipeline under the deadline; each call's own result. Fails as a whole only when no
   * connection could be had or the deadline passed.
   */
  public Future<List<AsyncResult<Response>>> pipeline(String what, List<RedisCall> calls,
                                                      Consumer<List<AsyncResult<Response>>> late) {
    return calls.isEmpty() ? Future.succeededFuture(List.of()) : timed(what, c -> each(calls, c), late);
  }

  /** The calls in one pipeline under the deadline; their replies in order, or the first failure. */
  public Future<List<Response>> pipelineAll(String what, List<RedisCall> calls) {
    return timed(what, c -> all(calls, c), null);
  }

  /**
   * Loads every script into Redis now ({@code SCRIPT LOAD}, one pipeline) and checks the SHAs; optional,
   * since new connections load them and a call whose script Redis does not know is sent again.
   */
  public Future<Void> loadScripts() {
    return timed("SCRIPT LOAD", link::loadScriptsNow, null);
  }

  /** Every later call fails; closes the connection (the client stays open: it is the caller's). */
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    Promise<Void> done = Promise.promise();
    try {
      link.onContext(() -> link.close().onComplete(done));
    } catch (RejectedExecutionException e) {
      return Future.succeededFuture(); // Vert.x is closed: so is the connection
    }
    return done.future();
  }

  private static Future<List<Response>> allOrFirstFailure(List<AsyncResult<Response>> results) {
    List<Response> replies = new ArrayList<>(results.size());
    for (AsyncResult<Response> r : results) {
      if (r.failed()) {
        return Future.failedFuture(r.cause());
      }
      replies.add(r.result());
    }
    return Future.succeededFuture(replies);
  }

  /** The failure with a message that says what happened (a closed socket's exception has none). */
  private static Throwable clear(Throwable t) {
    String m = t.getMessage();
    if (m != null && !m.isBlank()) {
      return t;
    }
    return new IOException("the connection to Redis failed (" + t.getClass().getSimpleName() + ")", t);
  }

  private void succeeded() {
    if (!healthy) {
      healthy = true;
      LOG.info("{}: Redis answers again", owner);
    }
  }

  private void failed(Throwable cause) {
    if (healthy && !RedisLink.isRedisError(cause)) {
      healthy = false;
      LOG.warn("{}: Redis calls fail, every call fails fast until Redis answers: {}", owner, RedisLink.message(cause));
    }
  }
}
