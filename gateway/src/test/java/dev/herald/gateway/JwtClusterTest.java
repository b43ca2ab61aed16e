package dev.herald.gateway;

import static dev.herald.gateway.Api.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * G8 and the abuse bounds across two clustered nodes in jwt mode on one Redis: a session belongs to the
 * user whose token started it, on whichever node its beats land, and another user's token with its
 * credential beats, stops and takes over nothing; sessions per user are bounded cluster-wide, streams per
 * user per node; what is refused is a {@code 429} with {@code Retry-After}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class JwtClusterTest {
  private static final String SECRET = "cluster-secret-0123456789-abcdefghijklmno";
  private static ClusterNodes cluster;
  private static Tokens tokens;

  @BeforeAll
  static void startCluster() {
    cluster = ClusterNodes.startWithRedis(2, Map.of("auth.mode", "jwt", "auth.jwt.secret", SECRET,
        "auth.maxSessionsPerClient", 3, "auth.maxStreamsPerClient", 2));
    tokens = Tokens.hs256(cluster.get(0).vertx(), SECRET);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String bearer(String user, boolean admin) {
    return "Bearer " + tokens.sign(Tokens.claims(user, 600, List.of(user + "-*"), List.of(user + "-*"), admin));
  }

  /** Starts a session of {@code user} on {@code node}; answers {sessionId, sessionToken}. */
  private static JsonObject start(ClusterNodes.Node node, String user) {
    Reply r = node.api().post("/v1/heartbeat/start", null, "Authorization", bearer(user, false), "Herald-Session", "new");
    assertEquals(200, r.statusCode(), r::bodyAsString);
    return r.bodyAsJsonObject();
  }

  @Test
  void aSessionIsItsUsersOnEveryNode() {
    ClusterNodes.Node a = cluster.get(0);
    ClusterNodes.Node b = cluster.get(1);
    JsonObject ada = start(a, "ada");
    String adaId = ada.getString("sessionId");
    String adaSecret = ada.getString("sessionToken");
    String root = bearer("root", true);

    assertEquals(204, b.api().post("/v1/heartbeat", null, "Authorization", bearer("ada", false), "Cookie",
        "herald_sid=" + adaSecret).statusCode(), "ada's beat through the other node");
    assertProblem(b.api().post("/v1/heartbeat", null, "Authorization", bearer("bob", false), "Cookie",
        "herald_sid=" + adaSecret), 403, "session-of-another-user");
    assertProblem(b.api().post("/v1/heartbeat/stop?session=" + adaSecret, null, "Authorization", bearer("bob", false)),
        403, "session-of-another-user");
    Reply bobStart = b.api().post("/v1/heartbeat/start", null, "Authorization", bearer("bob", false),
        "Herald-Session", adaSecret);
    assertEquals("connect", bobStart.bodyAsJsonObject().getString("state"), "bob gets a session of his own");
    assertNotEquals(adaId, bobStart.bodyAsJsonObject().getString("sessionId"));
    assertNotEquals(adaSecret, bobStart.bodyAsJsonObject().getString("sessionToken"));

    for (ClusterNodes.Node n : List.of(a, b)) {
      Reply got = n.api().get("/v1/sessions/" + adaId, "Authorization", root);
      assertEquals(200, got.statusCode(), got::bodyAsString);
      assertEquals("ada", got.bodyAsJsonObject().getString("userId"));
      assertProblem(n.api().get("/v1/sessions/" + adaId, "Authorization", bearer("ada", false)), 403, "admin-only");
    }
    assertEquals(204, a.api().post("/v1/heartbeat/stop", null, "Authorization", bearer("ada", false),
        "Herald-Session", adaSecret).statusCode());
    assertEquals(404, b.api().get("/v1/sessions/" + adaId, "Authorization", root).statusCode());
    b.api().post("/v1/heartbeat/stop", null, "Authorization", bearer("bob", false), "Herald-Session",
        bobStart.bodyAsJsonObject().getString("sessionToken"));
  }

  @Test
  void sessionsPerUserAreBoundedClusterWide() {
    ClusterNodes.Node a = cluster.get(0);
    ClusterNodes.Node b = cluster.get(1);
    JsonObject first = start(a, "cleo");
    start(b, "cleo");
    start(a, "cleo");
    for (ClusterNodes.Node n : List.of(a, b)) {
      Reply refused = n.api().post("/v1/heartbeat/start", null, "Authorization", bearer("cleo", false));
      assertProblem(refused, 429, "too-many-sessions");
      assertEquals("65", refused.getHeader("Retry-After"), "heartbeat.expireDelay + purgeDelay, in seconds");
    }
    start(b, "dora"); // another user is not counted with cleo
    Reply again = b.api().post("/v1/heartbeat/start", null, "Authorization", bearer("cleo", false), "Herald-Session",
        first.getString("sessionToken"));
    assertEquals("reconnect", again.bodyAsJsonObject().getString("state"), "her own sessions always reconnect");
    assertEquals(204, b.api().post("/v1/heartbeat/stop", null, "Authorization", bearer("cleo", false),
        "Herald-Session", first.getString("sessionToken")).statusCode());
    start(a, "cleo");
  }

  @Test
  void streamsPerUserAreBoundedPerNode() {
    ClusterNodes.Node a = cluster.get(0);
    ClusterNodes.Node b = cluster.get(1);
    String token = tokens.sign(Tokens.claims("eve", 600, List.of("eve-*"), List.of(), false));
    String uri = "/v1/stream?channel=eve-1&access_token=" + token;
    SseTestClient one = Streams.live(a.vertx(), a.port(), uri);
    SseTestClient two = Streams.live(a.vertx(), a.port(), uri);
    SseTestClient refused = Streams.open(a.vertx(), a.port(), uri, Map.of());
    assertEquals(429, refused.status());
    assertEquals("10", refused.header("Retry-After"));
    Streams.close(refused);
    SseTestClient elsewhere = Streams.live(b.vertx(), b.port(), uri);
    Streams.close(one);
    ClusterNodes.waitFor(() -> {
      SseTestClient next = Streams.open(a.vertx(), a.port(), uri, Map.of());
      int status = next.status();
      Streams.close(next);
      return status == 200;
    }, "a closed stream to free its slot");
    Streams.close(two);
    Streams.close(elsewhere);
  }
}
