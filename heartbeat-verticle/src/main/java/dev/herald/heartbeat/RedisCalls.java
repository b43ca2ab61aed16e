package dev.herald.heartbeat;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import dev.herald.redis.LuaScript;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the Redis stores talk to Redis: every operation has a deadline, and several requests go out as one
 * pipeline on one connection.
 *
 * <ul>
 *   <li><b>Deadline.</b> An operation fails with {@link RedisTimeoutException} once {@code timeoutMs} pass
 *   (a hung Redis never hangs a caller). If its connection is only handed out after the deadline, nothing is
 *   sent. A reply that still comes after the deadline goes to the operation's {@code late} handler.</li>
 *   <li><b>Pipeline.</b> The requests are written on one connection without waiting for replies, so they
 *   cost one round trip; each request keeps its own result (one failing does not hide the others, unlike
 *   {@code Redis.batch}), and in cluster mode the connection routes each request to its slot's master
 *   ({@code Redis.batch} would refuse requests of different slots).</li>
 *   <li><b>NOSCRIPT.</b> A script unknown to Redis is sent once more as {@code EVAL} ({@link LuaScript}).</li>
 *   <li><b>State changes are logged once:</b> the first failure after a success, and the first success after
 *   failures.</li>
 * </ul>
 */
final class RedisCalls {
  private static final Logger LOG = LoggerFactory.getLogger(RedisCalls.class);
  private static final long RELOAD_LOG_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Vertx vertx;
  private final Redis redis;
  private final long timeoutMs;
  private final String owner;
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final LongAdder roundTrips = new LongAdder();
  private final LongAdder scriptReloads = new LongAdder();
  private final AtomicLong lastReloadLog = new AtomicLong();

  RedisCalls(Vertx vertx, Redis redis, long timeoutMs, String owner) {
    if (timeoutMs < 1) {
      throw new IllegalArgumentException("the Redis request timeout must be at least 1 ms");
    }
    this.vertx = vertx;
    this.redis = redis;
    this.timeoutMs = timeoutMs;
    this.owner = owner;
  }

  long timeoutMs() {
    return timeoutMs;
  }

  /** Pipelines written so far (each one network round trip), NOSCRIPT retries included. */
  long roundTrips() {
    return roundTrips.sum();
  }

  /** Requests sent again as EVAL after NOSCRIPT. */
  long scriptReloads() {
    return scriptReloads.sum();
  }

  /** One request; fails on an error reply. */
  Future<Response> send(String what, RedisCall call, Consumer<Response> late) {
    return timed(what, expired -> sendOnNewConnection(List.of(call), expired).compose(results -> {
      AsyncResult<Response> only = results.get(0);
      return only.succeeded() ? Future.succeededFuture(only.result()) : Future.failedFuture(only.cause());
    }), late);
  }

  /**
   * The requests in one pipeline; answers each request's own result. Fails as a whole only when no
   * connection could be had or the deadline passed.
   */
  Future<List<AsyncResult<Response>>> pipeline(String what, List<RedisCall> calls,
                                                Consumer<List<AsyncResult<Response>>> late) {
    if (calls.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return timed(what, expired -> sendOnNewConnection(calls, expired), late);
  }

  /** The requests in one pipeline; answers their replies in order, or fails with the first failure. */
  Future<List<Response>> pipelineAll(String what, List<RedisCall> calls) {
    return pipeline(what, calls, null).compose(results -> {
      List<Response> replies = new ArrayList<>(results.size());
      for (AsyncResult<Response> r : results) {
        if (r.failed()) {
          return Future.failedFuture(r.cause());
        }
        replies.add(r.result());
      }
      return Future.succeededFuture(replies);
    });
  }

  /**
   * Runs {@code op} under the deadline. {@code op} gets a flag that turns true at the deadline; a result
   * that comes after it goes to {@code late} (may be {@code null}) instead of the caller.
   */
  <T> Future<T> timed(String what, Function<BooleanSupplier, Future<T>> op, Consumer<T> late) {
    Promise<T> promise = Promise.promise();
    AtomicBoolean over = new AtomicBoolean();
    long timer = vertx.setTimer(timeoutMs, id -> {
      if (over.compareAndSet(false, true)) {
        RedisTimeoutException e = new RedisTimeoutException(what, timeoutMs);
        failed(e);
        promise.fail(e);
      }
    });
    Future<T> running;
    try {
      running = op.apply(over::get);
    } catch (RuntimeException e) {
      running = Future.failedFuture(e);
    }
    running.onComplete(ar -> {
      if (over.compareAndSet(false, true)) {
        vertx.cancelTimer(timer);
        if (ar.succeeded()) {
          succeeded();
        } else {
          failed(ar.cause());
        }
        promise.handle(ar);
      } else if (ar.succeeded() && late != null) {
        late.accept(ar.result());
      }
    });
    return promise.future();
  }

  private Future<List<AsyncResult<Response>>> sendOnNewConnection(List<RedisCall> calls, BooleanSupplier expired) {
    return redis.connect().compose(conn -> {
      if (expired.getAsBoolean()) {
        conn.close();
        return Future.failedFuture(new RedisTimeoutException("a connection", timeoutMs));
      }
      roundTrips.increment();
      Set<String> reloaded = ConcurrentHashMap.newKeySet();
      List<Future<Response>> sent = new ArrayList<>(calls.size());
      for (RedisCall call : calls) {
        sent.add(sendOne(conn, call, reloaded));
      }
      return Future.join(sent).<List<AsyncResult<Response>>>transform(done -> {
        conn.close();
        if (!reloaded.isEmpty() && shouldLogReload()) {
          LOG.info("{}: Redis did not know scripts {} (restart, failover or flush): sent them again with EVAL",
              owner, reloaded);
        }
        List<AsyncResult<Response>> results = new ArrayList<>(sent);
        return Future.succeededFuture(results);
      });
    });
  }

  private Future<Response> sendOne(RedisConnection conn, RedisCall call, Set<String> reloaded) {
    return conn.send(call.request()).recover(failure -> {
      if (call.onNoScript() == null || !LuaScript.isNoScript(failure)) {
        return Future.failedFuture(failure);
      }
      scriptReloads.increment();
      roundTrips.increment();
      reloaded.add(call.label());
      return conn.send(call.onNoScript().get());
    });
  }

  /** At most one NOSCRIPT line per {@link #RELOAD_LOG_NANOS}: a restart makes every call in flight reload. */
  private boolean shouldLogReload() {
    long now = System.nanoTime();
    long last = lastReloadLog.get();
    return (last == 0 || now - last > RELOAD_LOG_NANOS) && lastReloadLog.compareAndSet(last, now == 0 ? 1 : now);
  }

  private void succeeded() {
    if (!healthy.get() && healthy.compareAndSet(false, true)) {
      LOG.info("{}: Redis answers again", owner);
    }
  }

  private void failed(Throwable cause) {
    if (healthy.get() && healthy.compareAndSet(true, false)) {
      LOG.warn("{}: Redis calls fail, every call fails fast until Redis answers: {}", owner, String.valueOf(cause));
    }
  }
}
