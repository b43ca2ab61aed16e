package dev.herald.gateway;

import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ResumeTest} (G1: resume exactly after the last id, across reconnects) with history in Redis. */
class RedisResumeTest extends ResumeTest {
  @RegisterExtension
  static final OnRedis.ForClass REDIS = new OnRedis.ForClass();

  /** Hides {@link ResumeTest}'s: the same node, on Redis. */
  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, REDIS.settings(Map.of("history.maxEvents", 1000)));
  }

  /** Hides {@link ResumeTest}'s (the extension stops Redis after it). */
  @AfterAll
  static void stop() {
    if (it != null) {
      it.stop();
    }
  }
}
