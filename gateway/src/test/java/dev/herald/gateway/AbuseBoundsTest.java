package dev.herald.gateway;

import static dev.herald.gateway.Api.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The abuse bounds in open mode, where the client is its address: {@code auth.maxSessionsPerClient} and
 * {@code auth.maxStreamsPerClient} refuse with {@code 429} and {@code Retry-After}, log one line per cause and
 * interval however many are refused, and give the slot back when a session stops or a stream closes.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbuseBoundsTest {
  private static TestNode.Running it;

  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, Map.of("auth.maxSessionsPerClient", 2, "auth.maxStreamsPerClient", 2,
        "heartbeat.beatDelay", "5s", "heartbeat.expireDelay", "10s", "heartbeat.purgeDelay", "3s"));
  }

  @AfterAll
  static void stop() {
    it.stop();
  }

  @Test
  void sessionsPerAddress() {
    try (LogTap log = LogTap.install()) {
      List<String> cookies = new ArrayList<>(List.of(PresenceApiTest.startNew(it.api(), null),
          PresenceApiTest.startNew(it.api(), null)));
      for (int i = 0; i < 20; i++) {
        Reply refused = it.api().post("/v1/heartbeat/start", null);
        assertProblem(refused, 429, "too-many-sessions");
        assertEquals("13", refused.getHeader("Retry-After"), "expireDelay + purgeDelay");
      }
      assertEquals(1, log.count("sessions per client (auth.maxSessionsPerClient) at its bound of 2 for addr:127.0.0.1"),
          String.join("\n", log.lines()));
      assertEquals("reconnect", it.api().post("/v1/heartbeat/start", null, "Cookie", cookies.get(0))
          .bodyAsJsonObject().getString("state"), "its own sessions are not new ones");
      assertEquals(204, it.api().post("/v1/heartbeat/stop", null, "Cookie", cookies.get(0)).statusCode());
      cookies.set(0, PresenceApiTest.startNew(it.api(), null));
      cookies.forEach(c -> it.api().post("/v1/heartbeat/stop", null, "Cookie", c));
    }
  }

  @Test
  void streamsPerAddress() {
    try (LogTap log = LogTap.install()) {
      SseTestClient one = Streams.live(it.vertx(), it.port(), "/v1/stream?channel=ab-1");
      SseTestClient two = Streams.live(it.vertx(), it.port(), "/v1/presence/stream");
      for (int i = 0; i < 5; i++) {
        SseTestClient refused = Streams.open(it.vertx(), it.port(), "/v1/stream?channel=ab-2", Map.of());
        assertEquals(429, refused.status());
        assertEquals("10", refused.header("Retry-After"));
        assertEquals("application/problem+json", refused.header("Content-Type"));
        Streams.close(refused);
      }
      assertEquals(1, log.count("streams per client (auth.maxStreamsPerClient) at its bound of 2"));
      Streams.close(one);
      GapTest.waitUntil(it.vertx(), () -> {
        SseTestClient next = Streams.open(it.vertx(), it.port(), "/v1/stream?channel=ab-3", Map.of());
        int status = next.status();
        Streams.close(next);
        return status == 200;
      });
      Streams.close(two);
    }
  }
}
