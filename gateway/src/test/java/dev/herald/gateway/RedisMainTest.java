package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.testkit.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The program with {@code --store.type=redis}: two launches on one Redis share sessions and history. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisMainTest {

  private static Main.Launch launch(RedisServer redis) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Main.Launch l = Main.launch(new String[] {"--store.type=redis", "--store.redis.port=" + redis.port(),
        "--http.host=127.0.0.1", "--http.port=0"}, Map.of(), new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, l.exitCode(), () -> err.toString(StandardCharsets.UTF_8));
    assertNotNull(l.running());
    return l;
  }

  @Test
  void theProgramRunsOnRedisAndAnotherLaunchSharesItsState(Vertx vertx) {
    RedisServer redis = OnRedis.start();
    Main.Running first = null;
    Main.Running second = null;
    try {
      first = launch(redis).running();
      Api one = new Api(vertx, first.node().port());
      String id = one.publish("main-redis", "goal", "{\"minute\":12}");
      String cookie = PresenceApiTest.startNew(one, "{\"meta\":{\"name\":\"ada\"}}");
      assertTrue(first.node().url().startsWith("http://127.0.0.1:"), first.node().url());
      TestNode.await(first.stop());
      first = null;

      // a new process, as after a restart: Redis kept the channel and the session
      second = launch(redis).running();
      Api two = new Api(vertx, second.node().port());
      JsonObject page = two.history("main-redis");
      assertEquals(id, page.getJsonArray("events").getJsonObject(0).getString("id"));
      assertEquals(204, two.post("/v1/heartbeat", null, "Cookie", cookie).statusCode());
      RedisOutageIT.awaitReadiness(vertx, two, 200);
      one.close();
      two.close();
    } finally {
      if (first != null) {
        TestNode.await(first.stop());
      }
      if (second != null) {
        TestNode.await(second.stop());
      }
      redis.close();
    }
  }
}
