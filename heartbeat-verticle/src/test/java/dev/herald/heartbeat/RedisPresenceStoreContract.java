package dev.herald.heartbeat;

import dev.herald.testkit.Futures;
import dev.herald.testkit.RedisTarget;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The store contract against {@link RedisPresenceStore} on a real Redis that the subclass starts (one per
 * class, stopped even when tests fail). Each store gets its own key prefix, so stores sharing the Redis never
 * see each other's sessions. The same shape as the history store's {@code RedisHistoryStoreContract}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RedisPresenceStoreContract extends PresenceStoreContract {
  protected RedisTarget redis;

  /** Starts the Redis this class runs against. */
  protected abstract RedisTarget startRedis() throws IOException;

  @BeforeAll
  void startRedisOnce() throws IOException {
    redis = startRedis();
  }

  @AfterAll
  void stopRedis() throws Exception {
    RedisTarget.close(redis);
  }

  @Override
  protected PresenceStore newStore(int maxSessions) {
    return store(Futures.unique("t"), maxSessions, 5_000);
  }

  /** A store under {@code prefix} on this class's Redis. */
  RedisPresenceStore store(String prefix, int maxSessions, long timeoutMs) {
    return store(redis, prefix, maxSessions, timeoutMs);
  }

  /** A store under {@code prefix} on {@code redis}. */
  static RedisPresenceStore store(RedisTarget redis, String prefix, int maxSessions, long timeoutMs) {
    return new RedisPresenceStore(redis.vertx(), redis.client(), redis.isCluster(), prefix, maxSessions, timeoutMs);
  }
}
