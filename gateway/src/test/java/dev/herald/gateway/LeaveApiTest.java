package dev.herald.gateway;

import static dev.herald.gateway.Api.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /v1/heartbeat/stop?leaving=1} over HTTP, as a page's {@code sendBeacon} sends it: the
 * disconnect waits {@code heartbeat.leaveGrace}; a start (a reload) or a beat (another tab) within it
 * makes it a {@code reconnect}. {@link RedisLeaveApiTest} runs the same on Redis.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeaveApiTest {
  static final Duration GRACE = Duration.ofMillis(1200);
  static final Map<String, Object> SETTINGS = Map.of("heartbeat.leaveGrace", "1200ms", "heartbeat.beatDelay", "20s",
      "heartbeat.expireDelay", "90s");
  /** The node under test (set by {@code start}, which a store variant hides with its own). */
  static TestNode.Running it;

  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, SETTINGS);
  }

  @AfterAll
  static void stop() {
    it.stop();
  }

  private static SseTestClient presence() {
    return Streams.live(it.vertx(), it.node().port(), "/v1/presence/stream");
  }

  /** The presence events of one session so far, as {@code type} or {@code type:reason}. */
  private static List<String> of(SseTestClient presence, String sessionId) {
    return presence.events().stream().filter(e -> new JsonObject(e.data()).getString("sessionId").equals(sessionId))
        .map(e -> e.type() + (e.type().equals("disconnect") ? ":" + new JsonObject(e.data()).getString("reason") : ""))
        .toList();
  }

  /** What the presence stream shows of {@code sessionId} once {@code wait} has passed. */
  private static List<String> after(SseTestClient presence, String sessionId, Duration wait) {
    TestNode.await(it.vertx().timer(wait.toMillis()));
    return of(presence, sessionId);
  }

  /** A page's sendBeacon: a text/plain POST with the cookie. */
  private static Reply beacon(String cookie) {
    return it.api().post("/v1/heartbeat/stop?leaving=1", "", "Content-Type", "text/plain;charset=UTF-8",
        "Cookie", cookie);
  }

  @Test
  void aPageThatGoesAwayIsDisconnectedOnceWhenTheGraceEnds() {
    SseTestClient presence = presence();
    Reply started = it.api().post("/v1/heartbeat/start", null);
    String id = started.bodyAsJsonObject().getString("sessionId");
    String cookie = started.getHeader("Set-Cookie").split(";")[0];
    long left = System.nanoTime();
    assertEquals(204, beacon(cookie).statusCode());
    SseEvent disconnect = TestNode.await(presence.awaitEvent(e -> e.type().equals("disconnect")
        && new JsonObject(e.data()).getString("sessionId").equals(id), Streams.WAIT));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - left);
    assertTrue(tookMs >= GRACE.toMillis() - 100, "the disconnect waited for the grace: " + tookMs + " ms");
    assertEquals("stop", new JsonObject(disconnect.data()).getString("reason"));
    assertEquals(List.of("connect", "disconnect:stop"), after(presence, id, Duration.ofMillis(500)));
    assertEquals(404, it.api().get("/v1/sessions/" + id).statusCode());
    Streams.close(presence);
  }

  @Test
  void aReloadIsAReconnectAndSoIsAnotherTabsBeat() {
    SseTestClient presence = presence();
    Reply reloaded = it.api().post("/v1/heartbeat/start", null);
    String reloadedId = reloaded.bodyAsJsonObject().getString("sessionId");
    String reloadedCookie = reloaded.getHeader("Set-Cookie").split(";")[0];
    Reply tabs = it.api().post("/v1/heartbeat/start", null);
    String tabsId = tabs.bodyAsJsonObject().getString("sessionId");
    String tabsCookie = tabs.getHeader("Set-Cookie").split(";")[0];

    assertEquals(204, beacon(reloadedCookie).statusCode());
    Reply again = it.api().post("/v1/heartbeat/start", "{}", "Content-Type", "application/json", "Cookie",
        reloadedCookie);
    assertEquals("reconnect", again.bodyAsJsonObject().getString("state"));
    assertEquals(204, beacon(tabsCookie).statusCode());
    assertEquals(204, it.api().post("/v1/heartbeat", null, "Cookie", tabsCookie).statusCode());

    Duration pastGrace = GRACE.plusMillis(600);
    assertEquals(List.of("connect", "reconnect"), after(presence, reloadedId, pastGrace));
    assertEquals(List.of("connect", "reconnect"), of(presence, tabsId));
    assertEquals(200, it.api().get("/v1/sessions/" + reloadedId).statusCode());
    assertEquals(200, it.api().get("/v1/sessions/" + tabsId).statusCode());
    Streams.close(presence);
  }

  @Test
  void leavingIsOneOrZero() {
    Reply started = it.api().post("/v1/heartbeat/start", null);
    String cookie = started.getHeader("Set-Cookie").split(";")[0];
    assertProblem(it.api().post("/v1/heartbeat/stop?leaving=soon", "", "Cookie", cookie), 400, "invalid-query");
    assertEquals(204, it.api().post("/v1/heartbeat/stop?leaving=0", "", "Cookie", cookie).statusCode());
    assertEquals(404, it.api().get("/v1/sessions/" + started.bodyAsJsonObject().getString("sessionId")).statusCode(),
        "leaving=0 is a plain stop: at once");
    assertEquals(204, it.api().post("/v1/heartbeat/stop?leaving=1", "").statusCode(), "no session: nothing to do");
  }
}
