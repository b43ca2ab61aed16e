package dev.herald.gateway;

import static dev.herald.gateway.Api.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.gateway.auth.SessionCredentials;
import dev.herald.gateway.auth.SessionKeys;
import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.heartbeat.api.PresenceEvent;
import dev.herald.sse.api.SseAddresses;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * G8 in open mode, on the wire: the session credential is a secret only Herald mints; made-up, guessed,
 * altered and foreign values are ignored (a start gets a fresh one); the public {@code sessionId} never
 * works as a credential; the {@code Herald-Session} header and {@code session} query parameter carry the
 * credential for pages without third-party cookies; and a session stored by the previous version (whose
 * cookie was its id) is not adopted and gets its one timeout disconnect (G3). Run on each store by a subclass
 * that starts one node for the class.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
abstract class SessionSecretsContract {
  /** Short enough that an abandoned session is purged within the test, long enough that beats keep ours. */
  static final Map<String, Object> PRESENCE = Map.of("heartbeat.beatDelay", "1s", "heartbeat.expireDelay", "3s",
      "heartbeat.purgeDelay", "500ms");

  static TestNode.Running it;

  @AfterAll
  static void stop() {
    if (it != null) {
      it.stop();
      it = null;
    }
  }

  private static Api api() {
    return it.api();
  }

  private static boolean connected(String id) {
    return api().get("/v1/sessions/" + id).statusCode() == 200;
  }

  private static String cookieOf(Reply r) {
    String setCookie = r.getHeader("Set-Cookie");
    assertNotNull(setCookie, "a Set-Cookie for a new credential");
    return setCookie.substring("herald_sid=".length(), setCookie.indexOf(';'));
  }

  @Test
  void aMadeUpCookieIsIgnoredAndANewSecretIssued() {
    for (String made : List.of("a", "0123456789abcdef0123456789abcdef", "x".repeat(55), "new")) {
      Reply r = api().post("/v1/heartbeat/start", null, "Cookie", "herald_sid=" + made);
      assertEquals(200, r.statusCode(), r::bodyAsString);
      String id = r.bodyAsJsonObject().getString("sessionId");
      assertEquals("connect", r.bodyAsJsonObject().getString("state"));
      String issued = cookieOf(r);
      assertNotEquals(made, issued);
      assertNotEquals(made, id, "a made-up value never becomes a session id");
      assertTrue(issued.matches("[A-Za-z0-9_-]{55}"), issued);
      assertProblem(api().post("/v1/heartbeat", null, "Cookie", "herald_sid=" + made), 404, "session-not-connected");
      assertEquals(204, api().post("/v1/heartbeat", null, "Cookie", "herald_sid=" + issued).statusCode());
      api().post("/v1/heartbeat/stop", null, "Cookie", "herald_sid=" + issued);
    }
  }

  @Test
  void thePublicIdIsNeverACredential() {
    Reply start = api().post("/v1/heartbeat/start", null);
    String id = start.bodyAsJsonObject().getString("sessionId");
    String secret = cookieOf(start);
    String asCookie = "herald_sid=" + id;
    assertProblem(api().post("/v1/heartbeat", null, "Cookie", asCookie), 404, "session-not-connected");
    assertProblem(api().post("/v1/heartbeat", null, "Herald-Session", id), 404, "session-not-connected");
    assertEquals(204, api().post("/v1/heartbeat/stop", null, "Cookie", asCookie).statusCode());
    assertEquals(204, api().post("/v1/heartbeat/stop?session=" + id, null).statusCode());
    assertTrue(connected(id), "a stop with the public id stops nothing");
    Reply taken = api().post("/v1/heartbeat/start", null, "Cookie", asCookie);
    assertNotEquals(id, taken.bodyAsJsonObject().getString("sessionId"), "nor does a start take the session over");
    assertEquals("connect", taken.bodyAsJsonObject().getString("state"));
    api().post("/v1/heartbeat/stop", null, "Cookie", "herald_sid=" + cookieOf(taken));
    assertEquals(204, api().post("/v1/heartbeat/stop", null, "Cookie", "herald_sid=" + secret).statusCode());
    assertFalse(connected(id));
  }

  @Test
  void alteredAndForeignSecretsAreNotMinted() {
    Reply start = api().post("/v1/heartbeat/start", null);
    String id = start.bodyAsJsonObject().getString("sessionId");
    String secret = cookieOf(start);
    char[] chars = secret.toCharArray();
    for (int at : new int[] {0, 3, 20, 30, 40, 54}) {
      char[] altered = chars.clone();
      altered[at] = altered[at] == 'A' ? 'B' : 'A';
      assertProblem(api().post("/v1/heartbeat", null, "Cookie", "herald_sid=" + new String(altered)), 404,
          "session-not-connected");
    }
    // 128 guessed random bits with a guessed MAC, and a credential minted under another key (another Herald)
    byte[] guess = new byte[41];
    new SecureRandom().nextBytes(guess);
    guess[0] = 1;
    String guessed = Base64.getUrlEncoder().withoutPadding().encodeToString(guess);
    assertProblem(api().post("/v1/heartbeat", null, "Herald-Session", guessed), 404, "session-not-connected");
    String foreign = new SessionCredentials(SessionKeys.local()).mint(null).credential();
    assertProblem(api().post("/v1/heartbeat", null, "Herald-Session", foreign), 404, "session-not-connected");
    assertEquals(204, api().post("/v1/heartbeat/stop", null, "Herald-Session", foreign).statusCode());
    assertTrue(connected(id));
    assertEquals(204, api().post("/v1/heartbeat", null, "Cookie", "herald_sid=" + secret).statusCode());
    api().post("/v1/heartbeat/stop", null, "Cookie", "herald_sid=" + secret);
  }

  @Test
  void theHeaderAndQueryCarryTheSecretForPagesWithoutThirdPartyCookies() {
    try (LogTap log = LogTap.install()) {
      headerAndQuery();
      assertTrue(log.lines().stream().noneMatch(l -> l.contains("session=") || l.contains("Herald-Session")),
          "credentials never reach a log line: " + String.join("\n", log.lines()));
    }
  }

  private void headerAndQuery() {
    Reply start = api().post("/v1/heartbeat/start", "{}", "Herald-Session", "new", "Content-Type", "application/json");
    assertEquals(200, start.statusCode(), start::bodyAsString);
    JsonObject body = start.bodyAsJsonObject();
    String token = body.getString("sessionToken");
    String id = body.getString("sessionId");
    assertTrue(token.matches("[A-Za-z0-9_-]{55}"), token);
    assertEquals(token, cookieOf(start), "the cookie, for browsers that keep it, is the same secret");
    assertEquals(204, api().post("/v1/heartbeat", null, "Herald-Session", token).statusCode());
    Reply again = api().post("/v1/heartbeat/start", null, "Herald-Session", token);
    assertEquals("reconnect", again.bodyAsJsonObject().getString("state"));
    assertEquals(id, again.bodyAsJsonObject().getString("sessionId"));
    assertEquals(token, again.bodyAsJsonObject().getString("sessionToken"));
    Reply byCookie = api().post("/v1/heartbeat/start", null, "Cookie", "herald_sid=" + token);
    assertNull(byCookie.bodyAsJsonObject().getString("sessionToken"), "HttpOnly: the cookie's value is never shown");
    assertNull(byCookie.getHeader("Set-Cookie"));
    Reply stale = api().post("/v1/heartbeat/start", null, "Herald-Session", "x".repeat(55));
    assertNotEquals(id, stale.bodyAsJsonObject().getString("sessionId"));
    String fresh = stale.bodyAsJsonObject().getString("sessionToken");
    assertTrue(fresh.matches("[A-Za-z0-9_-]{55}") && !fresh.equals(token), fresh);
    api().post("/v1/heartbeat/stop", null, "Herald-Session", fresh);

    // a stream names its session by the query parameter (an EventSource cannot send headers)
    List<JsonObject> opened = new CopyOnWriteArrayList<>();
    TestNode.await(it.vertx().eventBus().<JsonObject>consumer(new SseAddresses("herald").connect(),
        m -> opened.add(m.body())).completion());
    SseTestClient stream = Streams.live(it.vertx(), it.port(), "/v1/stream?channel=secret-q&session=" + token);
    GapTest.waitUntil(it.vertx(), () -> opened.stream().anyMatch(o -> id.equals(o.getString("sessionId"))));
    Streams.close(stream);
    assertProblem(api().get("/v1/stream?channel=secret-q&session=a&session=b"), 400, "invalid-query");

    // sendBeacon: a text/plain POST, the credential in the query
    List<PresenceEvent> disconnects = new CopyOnWriteArrayList<>();
    PresenceClient presence = new PresenceClient(it.vertx().eventBus(), PresenceAddresses.DEFAULT, 5_000);
    TestNode.await(presence.on(PresenceEvent.Type.DISCONNECT, disconnects::add).completion());
    Reply stop = api().post("/v1/heartbeat/stop?session=" + token, "bye", "Content-Type", "text/plain;charset=UTF-8");
    assertEquals(204, stop.statusCode(), stop::bodyAsString);
    GapTest.waitUntil(it.vertx(), () -> disconnects.stream().anyMatch(e -> id.equals(e.session().sessionId())));
    assertEquals("stop", disconnects.stream().filter(e -> id.equals(e.session().sessionId())).findFirst()
        .orElseThrow().reason());
    String metrics = api().get("/metrics").bodyAsString();
    assertFalse(metrics.contains(token) || metrics.contains("session="), "nor a metric label");
  }

  /**
   * The previous version took the cookie's value as the session id, so its sessions are stored under such
   * ids. A session started on the bus with such an id is stored exactly as that version stored it (the store
   * layout is unchanged). Its old cookie is not adopted — the client gets a new session — and the old session
   * gets exactly one disconnect, by timeout (G3).
   */
  @Test
  void aSessionOfThePreviousVersionIsNotAdoptedAndTimesOutOnce() {
    String legacy = "0123456789abcdef" + Long.toHexString(System.nanoTime() | (1L << 60));
    PresenceClient presence = new PresenceClient(it.vertx().eventBus(), PresenceAddresses.DEFAULT, 5_000);
    List<PresenceEvent> disconnects = new CopyOnWriteArrayList<>();
    TestNode.await(presence.on(PresenceEvent.Type.DISCONNECT, e -> {
      if (legacy.equals(e.session().sessionId())) {
        disconnects.add(e);
      }
    }).completion());
    assertEquals("connect", TestNode.await(presence.start(legacy, null, null)).state());

    Reply start = api().post("/v1/heartbeat/start", null, "Cookie", "herald_sid=" + legacy);
    assertEquals(200, start.statusCode(), start::bodyAsString);
    assertNotEquals(legacy, start.bodyAsJsonObject().getString("sessionId"));
    assertEquals("connect", start.bodyAsJsonObject().getString("state"));
    assertProblem(api().post("/v1/heartbeat", null, "Cookie", "herald_sid=" + legacy), 404, "session-not-connected");
    GapTest.waitUntil(it.vertx(), () -> !disconnects.isEmpty());
    assertEquals(PresenceEvent.REASON_TIMEOUT, disconnects.get(0).reason());
    api().post("/v1/heartbeat/stop", null, "Cookie", "herald_sid=" + cookieOf(start));
    // a purge or two more, and still one disconnect
    TestNode.await(presence.purge());
    assertEquals(1, disconnects.size());
  }
}
