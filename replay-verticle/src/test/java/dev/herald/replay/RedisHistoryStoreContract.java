package dev.herald.replay;

import dev.herald.replay.api.HistoryOptions;
import dev.herald.testkit.Futures;
import dev.herald.testkit.RedisTarget;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The store contract against {@link RedisHistoryStore} on a real Redis that the subclass starts (one
 * per class, stopped even when tests fail). Each store gets its own key prefix, so its channel index
 * (and so {@code channelCount}) is its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RedisHistoryStoreContract extends HistoryStoreContract {
  private RedisTarget redis;

  /** Starts the Redis this class runs against. */
  protected abstract RedisTarget startRedis() throws IOException;

  @BeforeAll
  void start() throws IOException {
    redis = startRedis();
  }

  @AfterAll
  void stop() throws Exception {
    RedisTarget.close(redis);
  }

  @Override
  protected HistoryStore newStore(HistoryOptions options) {
    return new RedisHistoryStore(redis.vertx(), redis.client(), Futures.unique("t"), options, 10_000);
  }
}
