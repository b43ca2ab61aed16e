package dev.herald.heartbeat;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ClientLedgerContract} on a real redis-server. */
class RedisClientLedgerTest extends ClientLedgerContract {
  private static RedisFixture redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisFixture.standalone();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    RedisFixture.close(redis);
  }

  @Override
  ClientLedger ledger() {
    return new RedisClientLedger(redis.vertx, redis.redis, RedisTestSupport.freshPrefix(), 5_000);
  }

  @Override
  PresenceStore store() {
    return redis.freshStore(1000);
  }

  @Override
  Vertx vertx() {
    return redis.vertx;
  }
}
