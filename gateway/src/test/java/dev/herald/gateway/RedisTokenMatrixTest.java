package dev.herald.gateway;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TokenMatrixContract} on a node with its sessions and history in Redis. */
class RedisTokenMatrixTest extends TokenMatrixContract {
  @RegisterExtension
  static final OnRedis.ForClass REDIS = new OnRedis.ForClass();

  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, REDIS.settings(jwt()));
    ready(vertx);
  }
}
