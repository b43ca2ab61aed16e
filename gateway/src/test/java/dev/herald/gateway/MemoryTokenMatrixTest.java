package dev.herald.gateway;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.BeforeAll;

/** {@link TokenMatrixContract} on a node with memory stores. */
class MemoryTokenMatrixTest extends TokenMatrixContract {
  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, jwt());
    ready(vertx);
  }
}
