package dev.herald.gateway;

import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link EdgeTest} with sessions and history in Redis. */
class RedisEdgeTest extends EdgeTest {
  @RegisterExtension
  static final OnRedis.ForClass REDIS = new OnRedis.ForClass();

  @Override
  Map<String, Object> settings(Map<String, Object> overrides) {
    return REDIS.settings(overrides);
  }
}
