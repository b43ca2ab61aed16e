package dev.herald.testkit;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real Redis for a Redis store test — a standalone {@code redis-server} or a local 3-master Redis
 * Cluster — with a Vert.x instance and a client on it (cluster mode for a cluster). {@link #close()}
 * closes the client and Vert.x, then stops every Redis process (the testkit's shutdown hook stops them too
 * if the JVM dies first).
 */
public final class RedisTarget implements AutoCloseable {
  /** Requests that may wait for a pooled connection (a contract test starts thousands at once). */
  private static final int POOL_WAITING = 16_384;

  private final RedisServer server;
  private final RedisCluster cluster;
  private final Vertx vertx;
  private final Redis client;

  private RedisTarget(RedisServer server, RedisCluster cluster) {
    this.server = server;
    this.cluster = cluster;
    Vertx v = null;
    try {
      v = Vertx.vertx();
      RedisOptions options = new RedisOptions().setMaxPoolSize(8).setMaxPoolWaiting(POOL_WAITING);
      if (cluster == null) {
        options.setConnectionString(server.endpoint());
      } else {
        options.setType(RedisClientType.CLUSTER).setEndpoints(cluster.endpoints());
      }
      this.client = Redis.createClient(v, options);
      this.vertx = v;
    } catch (RuntimeException e) {
      if (v != null) {
        v.close();
      }
      stopRedis();
      throw e;
    }
  }

  /** A standalone redis-server (no persistence). */
  public static RedisTarget standalone() throws IOException {
    return new RedisTarget(RedisServer.start(), null);
  }

  /** A 3-master Redis Cluster, with a cluster-mode client. */
  public static RedisTarget cluster() throws IOException {
    return new RedisTarget(null, RedisCluster.start());
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The client; the stores under test borrow connections from it and never close it. */
  public Redis client() {
    return client;
  }

  public boolean isCluster() {
    return cluster != null;
  }

  /** The standalone server (not for a cluster target). */
  public RedisServer server() {
    if (server == null) {
      throw new IllegalStateException("a cluster target has no single server");
    }
    return server;
  }

  /** The cluster's masters (a standalone target has one: its server). */
  public List<RedisServer> nodes() {
    return cluster == null ? List.of(server) : cluster.nodes();
  }

  /** {@code INFO commandstats}, summed over the masters of a cluster. */
  public Map<String, Long> commandStats() throws IOException {
    return cluster == null ? server.commandStats() : cluster.commandStats();
  }

  /** Resets the command counters of every master. */
  public void resetStats() throws IOException {
    if (cluster == null) {
      server.resetStats();
    } else {
      cluster.resetStats();
    }
  }

  /** What changed between two {@link #commandStats()} readings, without the {@code INFO} that read them. */
  public static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new TreeMap<>();
    after.forEach((cmd, n) -> {
      long diff = n - before.getOrDefault(cmd, 0L);
      if (diff != 0 && !cmd.equals("info")) {
        d.put(cmd, diff);
      }
    });
    return d;
  }

  /** Closes what {@code target} opened; null-safe, so an {@code @AfterAll} can call it after a failed start. */
  public static void close(RedisTarget target) throws Exception {
    if (target != null) {
      target.close();
    }
  }

  @Override
  public void close() throws Exception {
    try {
      Futures.await(client.close());
      Futures.await(vertx.close());
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
