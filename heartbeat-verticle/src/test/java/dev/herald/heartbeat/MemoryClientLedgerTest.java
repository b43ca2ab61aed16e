package dev.herald.heartbeat;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class MemoryClientLedgerTest extends ClientLedgerContract {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    dev.herald.testkit.Futures.await(vertx.close());
  }

  @Override
  ClientLedger ledger() {
    return new MemoryClientLedger();
  }

  @Override
  PresenceStore store() {
    return new MemoryPresenceStore(1000);
  }

  @Override
  Vertx vertx() {
    return vertx;
  }
}
