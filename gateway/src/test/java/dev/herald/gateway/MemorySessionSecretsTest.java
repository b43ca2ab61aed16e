package dev.herald.gateway;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.BeforeAll;

/** {@link SessionSecretsContract} on a node with memory stores (the key is the process's own). */
class MemorySessionSecretsTest extends SessionSecretsContract {
  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, PRESENCE);
  }
}
