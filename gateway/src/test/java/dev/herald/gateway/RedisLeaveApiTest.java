package dev.herald.gateway;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link LeaveApiTest} (a page going away: the disconnect waits heartbeat.leaveGrace) with sessions in Redis. */
class RedisLeaveApiTest extends LeaveApiTest {
  @RegisterExtension
  static final OnRedis.ForClass REDIS = new OnRedis.ForClass();

  /** Hides {@link LeaveApiTest}'s: the same node, on Redis. */
  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, REDIS.settings(SETTINGS));
  }

  /** Hides {@link LeaveApiTest}'s (the extension stops Redis after it). */
  @AfterAll
  static void stop() {
    if (it != null) {
      it.stop();
    }
  }
}
