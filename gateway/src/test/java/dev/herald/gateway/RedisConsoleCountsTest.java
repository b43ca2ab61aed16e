package dev.herald.gateway;

import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ConsoleCountsTest} with history in Redis. */
class RedisConsoleCountsTest extends ConsoleCountsTest {
  @RegisterExtension
  static final OnRedis.ForClass REDIS = new OnRedis.ForClass();

  /** Hides {@link ConsoleCountsTest}'s: the same node, on Redis. */
  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, REDIS.settings(Map.of()));
  }

  /** Hides {@link ConsoleCountsTest}'s (the extension stops Redis after it). */
  @AfterAll
  static void stop() {
    if (it != null) {
      it.stop();
    }
  }
}
