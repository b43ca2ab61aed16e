package dev.herald.heartbeat;

import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.io.IOException;
import java.util.Map;

/**
 * A real redis-server, or a local 3-master Redis Cluster, with a Vert.x and a Redis client on it: what a
 * Redis store test class needs. {@link #close()} closes the client and Vert.x, then stops every Redis
 * process (the testkit's shutdown hook stops them too if the JVM dies first).
 */
final class RedisFixture {
  final RedisServer server;
  final RedisCluster cluster;
  final Vertx vertx;
  final Redis redis;

  private RedisFixture(RedisServer server, RedisCluster cluster) {
    this.server = server;
    this.cluster = cluster;
    Vertx v = null;
    try {
      v = Vertx.vertx();
      this.vertx = v;
      this.redis = cluster == null ? RedisTestSupport.standalone(v, server.endpoint())
          : RedisTestSupport.cluster(v, cluster.endpoints());
    } catch (RuntimeException e) {
      if (v != null) {
        v.close();
      }
      stopRedis();
      throw e;
    }
  }

  /** A standalone redis-server. */
  static RedisFixture standalone() throws IOException {
    return new RedisFixture(RedisServer.start(), null);
  }

  /** A 3-master cluster, with a cluster-mode client. */
  static RedisFixture cluster() throws IOException {
    return new RedisFixture(null, RedisCluster.start());
  }

  boolean isCluster() {
    return cluster != null;
  }

  /** A store under {@code prefix} on this Redis. */
  RedisPresenceStore store(String prefix, int maxSessions, long timeoutMs) {
    return new RedisPresenceStore(vertx, redis, isCluster(), prefix, maxSessions, timeoutMs);
  }

  /** A store under a key prefix of its own, with a 5 s timeout. */
  RedisPresenceStore freshStore(int maxSessions) {
    return store(RedisTestSupport.freshPrefix(), maxSessions, 5_000);
  }

  /** {@code INFO commandstats}, summed over the masters of a cluster. */
  Map<String, Long> commandStats() throws IOException {
    return isCluster() ? cluster.commandStats() : server.commandStats();
  }

  /** Closes what a test class opened; null-safe, so {@code @AfterAll} can call it after a failed start. */
  static void close(RedisFixture fixture) throws Exception {
    if (fixture != null) {
      fixture.close();
    }
  }

  void close() throws Exception {
    try {
      RedisTestSupport.close(redis, vertx);
    } finally {
      stopRedis();
    }
  }

  private void stopRedis() {
    if (server != null) {
      server.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }
}
