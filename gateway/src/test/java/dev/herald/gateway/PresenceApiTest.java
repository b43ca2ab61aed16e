package dev.herald.gateway;

import static dev.herald.gateway.Api.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Presence over HTTP: the session cookie flow, session reads, purge and the presence stream. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PresenceApiTest {
  private static TestNode.Running it;

  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, Map.of("heartbeat.beatDelay", "20s", "heartbeat.expireDelay", "90s",
        "heartbeat.purgeDelay", "1500ms"));
  }

  @AfterAll
  static void stop() {
    it.stop();
  }

  /** The public session id of each cookie {@link #startNew} returned. */
  private static final Map<String, String> IDS = new java.util.concurrent.ConcurrentHashMap<>();

  /** Starts a session without a cookie; answers the cookie header value {@code herald_sid=…}. */
  static String startNew(Api api, String body) {
    Reply r = api.post("/v1/heartbeat/start", body);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    String setCookie = r.getHeader("Set-Cookie");
    assertNotNull(setCookie);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    IDS.put(cookie, r.bodyAsJsonObject().getString("sessionId"));
    return cookie;
  }

  /** The public session id of a cookie made by {@link #startNew} (never the cookie's own value: G8). */
  static String idOf(String cookie) {
    String id = IDS.get(cookie);
    assertNotNull(id, "not a cookie of startNew: " + cookie);
    return id;
  }

  @Test
  void theCookieNamesTheSessionFromStartToStop() {
    SseTestClient presence = Streams.live(it.vertx(), it.node().port(), "/v1/presence/stream");
    Reply start = it.api().post("/v1/heartbeat/start", null);
    assertEquals(200, start.statusCode(), start::bodyAsString);
    JsonObject body = start.bodyAsJsonObject();
    String id = body.getString("sessionId");
    assertTrue(id.matches("[0-9a-f]{32}"), id);
    assertEquals(new JsonObject().put("sessionId", id).put("state", "connect").put("beatDelay", 20)
        .put("expireDelay", 90), body, "no sessionToken without the Herald-Session header");
    String setCookie = start.getHeader("Set-Cookie");
    assertTrue(setCookie.matches("herald_sid=[A-Za-z0-9_-]{55};.*"), setCookie);
    assertTrue(!setCookie.contains(id), "the cookie is a secret, not the public id: " + setCookie);
    assertTrue(setCookie.toLowerCase().contains("; httponly"), setCookie);
    assertTrue(setCookie.contains("SameSite=Lax"), setCookie);
    assertTrue(setCookie.contains("Path=/"), setCookie);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    Reply again = it.api().post("/v1/heartbeat/start", "{}", "Cookie", cookie);
    assertEquals("reconnect", again.bodyAsJsonObject().getString("state"));
    assertEquals(id, again.bodyAsJsonObject().getString("sessionId"));
    assertNull(again.getHeader("Set-Cookie"));
    assertEquals(204, it.api().post("/v1/heartbeat", null, "Cookie", cookie).statusCode());

    Reply got = it.api().get("/v1/sessions/" + id);
    assertEquals(200, got.statusCode());
    JsonObject session = got.bodyAsJsonObject();
    assertEquals(Set.of("sessionId", "userId", "meta", "connectedAt", "lastSeenAt"), session.fieldNames());
    assertEquals(id, session.getString("sessionId"));
    Instant.parse(session.getString("connectedAt"));
    assertTrue(session.getString("lastSeenAt").endsWith("Z"));

    Reply stop = it.api().post("/v1/heartbeat/stop", "bye", "Cookie", cookie, "Content-Type", "text/plain;charset=UTF-8");
    assertEquals(204, stop.statusCode(), stop::bodyAsString);
    assertProblem(it.api().post("/v1/heartbeat", null, "Cookie", cookie), 404, "session-not-connected");
    assertProblem(it.api().get("/v1/sessions/" + id), 404, "session-not-connected");
    assertEquals(204, it.api().post("/v1/heartbeat/stop", null, "Cookie", cookie).statusCode());

    Reply back = it.api().post("/v1/heartbeat/start", null, "Cookie", cookie);
    assertEquals(new JsonObject().put("sessionId", id).put("state", "connect").put("beatDelay", 20)
        .put("expireDelay", 90), back.bodyAsJsonObject());

    List<SseEvent> events = Streams.events(presence, 4);
    assertEquals(List.of("connect", "reconnect", "disconnect", "connect"), events.stream().map(SseEvent::type).toList());
    for (SseEvent e : events) {
      assertEquals(id, new JsonObject(e.data()).getString("sessionId"));
      assertTrue(!e.hasId(), e.toString());
    }
    assertEquals("stop", new JsonObject(events.get(2).data()).getString("reason"));
    Streams.close(presence);
    it.api().post("/v1/heartbeat/stop", null, "Cookie", cookie);
  }

  @Test
  void metaIsKeptAndBounded() {
    JsonObject meta = new JsonObject().put("page", "/home").put("n", 1);
    String cookie = startNew(it.api(), new JsonObject().put("meta", meta).encode());
    String id = PresenceApiTest.idOf(cookie);
    assertEquals(meta, it.api().get("/v1/sessions/" + id).bodyAsJsonObject().getJsonObject("meta"));
    String big = new JsonObject().put("meta", new JsonObject().put("x", "y".repeat(4100))).encode();
    assertProblem(it.api().post("/v1/heartbeat/start", big), 413, "meta-too-large");
    assertProblem(it.api().post("/v1/heartbeat/start", "{\"meta\":[1]}"), 400, "invalid-field");
    assertProblem(it.api().post("/v1/heartbeat/start", "{\"meta\":{}, \"other\":1}"), 400, "unknown-field");
    assertProblem(it.api().post("/v1/heartbeat/start", "{\"meta\":"), 400, "invalid-json");
    assertProblem(it.api().post("/v1/heartbeat/start", "{\"meta\":\"" + "z".repeat(9000) + "\"}"), 413, "body-too-large");
    assertEquals(meta, it.api().get("/v1/sessions/" + id).bodyAsJsonObject().getJsonObject("meta"));
    it.api().post("/v1/heartbeat/stop", null, "Cookie", cookie);
  }

  @Test
  void beatsWithoutASessionAre404AndStopIsAlways204() {
    assertProblem(it.api().post("/v1/heartbeat", null), 404, "session-not-connected");
    assertProblem(it.api().post("/v1/heartbeat", null, "Cookie", "herald_sid=bad%20id"), 404, "session-not-connected");
    assertProblem(it.api().post("/v1/heartbeat", null, "Cookie", "herald_sid=neverstarted"), 404, "session-not-connected");
    assertEquals(204, it.api().post("/v1/heartbeat/stop", null).statusCode());
    assertProblem(it.api().get("/v1/sessions/bad%20id"), 400, "invalid-session-id");
    assertProblem(it.api().get("/v1/sessions/neverstarted"), 404, "session-not-connected");
  }

  @Test
  void sessionsArePagedByCursor() {
    List<String> cookies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      cookies.add(startNew(it.api(), null));
    }
    Set<String> mine = new HashSet<>();
    cookies.forEach(c -> mine.add(PresenceApiTest.idOf(c)));
    Set<String> listed = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      Reply r = it.api().get("/v1/sessions?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      assertEquals(200, r.statusCode(), r::bodyAsString);
      JsonObject page = r.bodyAsJsonObject();
      JsonArray sessions = page.getJsonArray("sessions");
      assertTrue(sessions.size() <= 2);
      sessions.forEach(s -> assertTrue(listed.add(((JsonObject) s).getString("sessionId")), "listed twice"));
      assertTrue(page.containsKey("cursor"));
      cursor = page.getString("cursor");
      pages++;
    } while (cursor != null && pages < 100);
    assertTrue(listed.containsAll(mine), listed + " should hold " + mine);
    assertProblem(it.api().get("/v1/sessions?limit=0"), 400, "invalid-limit");
    assertProblem(it.api().get("/v1/sessions?limit=1001"), 400, "invalid-limit");
    assertProblem(it.api().get("/v1/sessions?cursor=a&cursor=b"), 400, "invalid-query");
    assertProblem(it.api().get("/v1/sessions?cursor=bad%20cursor"), 400, "invalid-query");
    cookies.forEach(c -> it.api().post("/v1/heartbeat/stop", null, "Cookie", c));
  }

  @Test
  void purgeAnswersHowManyItDisconnected() {
    Reply r = it.api().post("/v1/sessions/purge", null);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertTrue(r.bodyAsJsonObject().getInteger("disconnected") >= 0);
    assertEquals(Set.of("disconnected"), r.bodyAsJsonObject().fieldNames());
  }
}
