package dev.herald.heartbeat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Redis clients, key prefixes and waiting helpers shared by the Redis store tests. */
final class RedisTestSupport {
  /** Concurrent calls the contract tests make at once (startAll of 3000) all wait for a pooled connection. */
  private static final int POOL_WAITING = 16_384;

  private RedisTestSupport() {
  }

  static Redis standalone(Vertx vertx, String endpoint) {
    return Redis.createClient(vertx, new RedisOptions().setConnectionString(endpoint)
        .setMaxPoolSize(8).setMaxPoolWaiting(POOL_WAITING));
  }

  static Redis cluster(Vertx vertx, List<String> endpoints) {
    return Redis.createClient(vertx, new RedisOptions().setType(RedisClientType.CLUSTER).setEndpoints(endpoints)
        .setMaxPoolSize(8).setMaxPoolWaiting(POOL_WAITING));
  }

  /** A key prefix no other test uses. */
  static String freshPrefix() {
    return "t" + UUID.randomUUID().toString().substring(0, 8);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Closes what a test class opened, ignoring what is null. */
  static void close(Redis redis, Vertx vertx) throws Exception {
    if (redis != null) {
      await(redis.close());
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  /** Polls {@code check} (every 50 ms, on a Vert.x timer) until it answers true; fails after {@code max}. */
  static void eventually(Vertx vertx, Duration max, String what, Supplier<Future<Boolean>> check) throws Exception {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + max.toNanos();
    poll(vertx, deadline, what, check, done);
    await(done.future());
  }

  private static void poll(Vertx vertx, long deadline, String what, Supplier<Future<Boolean>> check, Promise<Void> done) {
    check.get().onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        done.complete();
      } else if (System.nanoTime() - deadline > 0) {
        done.fail(new AssertionError("timed out waiting until " + what
            + (ar.failed() ? " (last failure: " + ar.cause() + ")" : "")));
      } else {
        vertx.setTimer(50, t -> poll(vertx, deadline, what, check, done));
      }
    });
  }

  /** What changed between two {@code INFO commandstats} readings, without the reading itself. */
  static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new TreeMap<>();
    after.forEach((cmd, n) -> {
      long diff = n - before.getOrDefault(cmd, 0L);
      if (diff != 0 && !cmd.equals("info")) {
        d.put(cmd, diff);
      }
    });
    return d;
  }
}
