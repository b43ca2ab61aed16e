package dev.herald.gateway;

import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link PresenceRaceTest} (G3: one disconnect per connect while purges and stops race) with sessions in Redis. */
class RedisPresenceRaceTest extends PresenceRaceTest {
  @RegisterExtension
  static final OnRedis.ForClass REDIS = new OnRedis.ForClass();

  @Override
  HeraldNode node(Vertx vertx, Map<String, ?> overrides) {
    return TestNode.start(vertx, REDIS.settings(overrides));
  }
}
