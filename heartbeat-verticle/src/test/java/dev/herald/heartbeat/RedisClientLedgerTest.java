package dev.herald.heartbeat;

import dev.herald.testkit.Futures;
import dev.herald.testkit.RedisTarget;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ClientLedgerContract} on a real redis-server: the ledger beside a Redis presence store, on its connection. */
class RedisClientLedgerTest extends ClientLedgerContract {
  private static RedisTarget redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisTarget.standalone();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    RedisTarget.close(redis);
  }

  @Override
  ClientLedger ledger() {
    return RedisPresenceStoreContract.store(redis, Futures.unique("l"), 1000, 5_000).clientLedger();
  }

  @Override
  PresenceStore store() {
    return RedisPresenceStoreContract.store(redis, Futures.unique("t"), 1000, 5_000);
  }

  @Override
  Vertx vertx() {
    return redis.vertx();
  }
}
