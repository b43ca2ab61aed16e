package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console's connection and channel counts ({@code /v1/stats}) are the clients' only: the readiness
 * canary's own stream and channel are left out. {@link RedisConsoleCountsTest} runs it on Redis.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsoleCountsTest {
  static TestNode.Running it;

  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, Map.of());
  }

  @AfterAll
  static void stop() {
    it.stop();
  }

  @Test
  void theReadinessCanaryIsNeitherAConnectionNorAChannel() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Reply ready;
    while ((ready = it.api().get("/health/ready")).statusCode() != 200 && System.nanoTime() < deadline) {
      TestNode.await(it.vertx().timer(50)); // ready once the canary published and streamed an event
    }
    assertEquals(200, ready.statusCode(), ready.bodyAsString());
    JsonObject idle = it.api().get("/v1/stats").bodyAsJsonObject();
    assertEquals(0, idle.getInteger("openStreams"), idle::encode);
    assertEquals(0L, idle.getJsonObject("history").getLong("channels"), idle::encode);

    SseTestClient client = Streams.live(it.vertx(), it.node().port(), "/v1/stream?channel=counted");
    it.api().publish("counted", null, "1");
    JsonObject busy = it.api().get("/v1/stats").bodyAsJsonObject();
    assertEquals(1, busy.getInteger("openStreams"), busy::encode);
    assertEquals(1L, busy.getJsonObject("history").getLong("channels"), busy::encode);
    Streams.close(client);
  }
}
