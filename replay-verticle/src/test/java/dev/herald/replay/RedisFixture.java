package dev.herald.replay;

import static dev.herald.replay.RedisTests.await;

import dev.herald.replay.api.HistoryOptions;
import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.io.IOException;

/**
 * A real Redis for a test class — a standalone redis-server or a 3-master Redis Cluster — with a
 * Vert.x instance and a client on it. {@link #close()} stops the processes even when closing the
 * client fails.
 */
final class RedisFixture implements AutoCloseable {
  private final AutoCloseable processes;
  private final RedisServer server;
  final Vertx vertx;
  final Redis client;

  private RedisFixture(AutoCloseable processes, RedisServer server, Vertx vertx, Redis client) {
    this.processes = processes;
    this.server = server;
    this.vertx = vertx;
    this.client = client;
  }

  static RedisFixture standalone() throws IOException {
    RedisServer s = RedisServer.start();
    try {
      Vertx v = Vertx.vertx();
      return new RedisFixture(s, s, v, client(v, s));
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  static RedisFixture cluster() throws IOException {
    RedisCluster c = RedisCluster.start();
    try {
      Vertx v = Vertx.vertx();
      return new RedisFixture(c, null, v,
          Redis.createClient(v, new RedisOptions().setType(RedisClientType.CLUSTER).setEndpoints(c.endpoints())));
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** A standalone client of {@code s} on {@code v}. */
  static Redis client(Vertx v, RedisServer s) {
    return Redis.createClient(v, new RedisOptions().setConnectionString(s.endpoint()));
  }

  /** The standalone server (not for a cluster fixture). */
  RedisServer server() {
    if (server == null) {
      throw new IllegalStateException("a cluster fixture has no single server");
    }
    return server;
  }

  /** A store on this Redis with a key prefix of its own. */
  RedisHistoryStore store(HistoryOptions options, long timeoutMs) {
    return new RedisHistoryStore(vertx, client, RedisTests.prefix(), options, timeoutMs);
  }

  @Override
  public void close() throws Exception {
    try {
      await(client.close());
      await(vertx.close());
    } finally {
      processes.close();
    }
  }
}
