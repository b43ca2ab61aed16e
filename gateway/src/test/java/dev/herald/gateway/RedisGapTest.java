package dev.herald.gateway;

import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link GapTest} (G2: trimmed, expired, invalid cursor, reset) with history in Redis; the store loses the
 * channel by {@code FLUSHALL} between the two nodes of the reset test.
 */
class RedisGapTest extends GapTest {
  @RegisterExtension
  static final OnRedis.ForClass REDIS = new OnRedis.ForClass();

  @Override
  HeraldNode node(Vertx vertx, Map<String, ?> overrides) {
    return TestNode.start(vertx, REDIS.settings(overrides));
  }

  @Override
  void loseTheStore() {
    REDIS.flush();
  }
}
