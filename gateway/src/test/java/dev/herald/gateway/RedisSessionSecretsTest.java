package dev.herald.gateway;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SessionSecretsContract} on a node with its sessions in Redis (the key shared through Redis). */
class RedisSessionSecretsTest extends SessionSecretsContract {
  @RegisterExtension
  static final OnRedis.ForClass REDIS = new OnRedis.ForClass();

  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, REDIS.settings(PRESENCE));
  }
}
