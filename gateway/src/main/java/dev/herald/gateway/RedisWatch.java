package dev.herald.gateway;

import dev.herald.redis.OwnContext;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's view of its Redis: a {@code PING} every {@value #INTERVAL_MS} ms, each bounded by the request
 * timeout, feeding one state machine (unknown → up ⇄ down). Each change of state is logged once — {@code redis
 * unreachable at …: why} when calls start failing, {@code redis reachable again at … after N s} when Redis answers
 * again — so an outage reads as two lines, never as a failure per request. The state is the gauge
 * {@code herald_redis_up} (1 or 0). Runs on a context of its own; never blocks.
 */
final class RedisWatch {
  /** How often Redis is asked whether it answers. */
  static final long INTERVAL_MS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(RedisWatch.class);

  private final Vertx vertx;
  private final Redis redis;
  private final String where;
  private final long intervalMs;
  private final long timeoutMs;
  private final Context context;
  private final Runnable onUp;
  private final List<Promise<Void>> waiting = new ArrayList<>();
  private volatile Boolean up;
  private volatile String lastFailure = "no answer yet";
  private long downSince;
  private long pingSentAt = -1;
  private long timer = -1;
  private boolean stopped;

  /**
   * @param where      where Redis is, for the log lines (never with the password)
   * @param intervalMs time between two pings
   * @param timeoutMs  a ping unanswered this long counts as a failure
   * @param metrics    where the {@code herald_redis_up} gauge goes, or {@code null}
   * @param onUp       run each time Redis answers after it did not (or for the first time), e.g. to load scripts
   */
  RedisWatch(Vertx vertx, Redis redis, String where, long intervalMs, long timeoutMs, MeterRegistry metrics,
             Runnable onUp) {
    this.vertx = vertx;
    this.redis = redis;
    this.where = where;
    this.intervalMs = intervalMs;
    this.timeoutMs = timeoutMs;
    this.onUp = onUp;
    this.context = OwnContext.create(vertx);
    if (metrics != null) {
      Gauge.builder("herald.redis.up", this, w -> Boolean.TRUE.equals(w.up) ? 1 : 0)
          .description("1 while the node's Redis answers, else 0").register(metrics);
    }
  }

  void start() {
    context.runOnContext(v -> {
      if (!stopped) {
        ping();
        timer = vertx.setPeriodic(intervalMs, t -> ping());
      }
    });
  }

  void stop() {
    context.runOnContext(v -> {
      stopped = true;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      failWaiting("the node is stopping");
    });
  }

  /** Whether Redis answered the last ping. */
  boolean up() {
    return Boolean.TRUE.equals(up);
  }

  /** Succeeds as soon as Redis answers; fails after {@code waitMs} naming where Redis was expected and why. */
  Future<Void> awaitUp(long waitMs) {
    Promise<Void> answered = Promise.promise();
    context.runOnContext(v -> {
      if (up()) {
        answered.complete();
        return;
      }
      waiting.add(answered);
      vertx.setTimer(waitMs, t -> {
        if (waiting.remove(answered)) {
          answered.fail(new IllegalStateException("store.type=redis: Redis at " + where + " did not answer within "
              + waitMs / 1000.0 + " s (" + lastFailure + "); start it, or set store.redis.host and store.redis.port"));
        }
      });
    });
    return answered.future();
  }

  /** One ping, unless one is still out and younger than a few timeouts (a hung Redis then holds one connection). */
  private void ping() {
    long now = System.currentTimeMillis();
    if (stopped || pingSentAt >= 0 && now - pingSentAt < 5 * timeoutMs) {
      return;
    }
    long sentAt = now;
    pingSentAt = sentAt;
    boolean[] decided = {false};
    long deadline = vertx.setTimer(timeoutMs, t -> {
      if (!decided[0]) {
        decided[0] = true;
        failed("no answer within " + timeoutMs + " ms");
      }
    });
    redis.send(Request.cmd(Command.PING)).onComplete(ar -> context.runOnContext(v -> {
      if (pingSentAt == sentAt) {
        pingSentAt = -1;
      }
      vertx.cancelTimer(deadline);
      if (decided[0] && ar.failed()) {
        return;
      }
      decided[0] = true;
      if (ar.succeeded()) {
        succeeded();
      } else {
        failed(message(ar.cause()));
      }
    }));
  }

  private void succeeded() {
    if (stopped) {
      return;
    }
    Boolean was = up;
    up = true;
    if (!Boolean.TRUE.equals(was)) {
      onUp.run();
    }
    if (was == null) {
      LOG.info("redis reachable at {}", where);
    } else if (!was) {
      LOG.info("redis reachable again at {} after {} s; publishes, heartbeats and history reads work again", where,
          String.format(java.util.Locale.ROOT, "%.1f", (System.currentTimeMillis() - downSince) / 1000.0));
    }
    List<Promise<Void>> ready = new ArrayList<>(waiting);
    waiting.clear();
    ready.forEach(Promise::tryComplete);
  }

  private void failed(String why) {
    lastFailure = why;
    if (stopped || Boolean.FALSE.equals(up)) {
      return;
    }
    up = false;
    downSince = System.currentTimeMillis();
    LOG.warn("redis unreachable at {}: {}; publishes, heartbeats and history reads answer 503 and readiness is down"
        + " until it answers again", where, why);
  }

  private void failWaiting(String why) {
    List<Promise<Void>> all = new ArrayList<>(waiting);
    waiting.clear();
    all.forEach(p -> p.tryFail(why));
  }

  private static String message(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
  }
}
