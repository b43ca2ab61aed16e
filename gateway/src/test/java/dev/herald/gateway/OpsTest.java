package dev.herald.gateway;

import static dev.herald.gateway.Api.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Health, readiness with its delivery canary, metrics, the console's files and figures. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpsTest {
  private static TestNode.Running it;

  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, Map.of());
  }

  @AfterAll
  static void stop() {
    it.stop();
  }

  /** Polls readiness until it answers {@code status} (the canary connects right after start). */
  static JsonObject readyUntil(Vertx vertx, Api api, int status) {
    Reply[] last = new Reply[1];
    GapTest.waitUntil(vertx, () -> (last[0] = api.get("/health/ready")).statusCode() == status);
    assertTrue(last[0].getHeader("Content-Type").startsWith("application/json"));
    return last[0].bodyAsJsonObject();
  }

  private static JsonObject check(JsonObject ready, String name) {
    return ready.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(c -> name.equals(c.getString("name"))).findFirst().orElseThrow();
  }

  @Test
  void livenessIsUp() {
    Reply r = it.api().get("/health/live");
    assertEquals(200, r.statusCode());
    assertEquals("UP", r.bodyAsJsonObject().getString("status"));
  }

  @Test
  void readinessPassesItsDeliveryCanary() {
    JsonObject ready = readyUntil(it.vertx(), it.api(), 200);
    assertEquals("UP", ready.getString("status"));
    assertEquals(List.of("cluster", "store", "delivery"), ready.getJsonArray("checks").stream()
        .map(c -> ((JsonObject) c).getString("name")).toList());
    ready.getJsonArray("checks").forEach(c -> assertEquals("UP", ((JsonObject) c).getString("status"), c.toString()));
    assertTrue(check(ready, "delivery").getString("detail").contains("herald.canary." + it.node().nodeId()),
        ready.encode());
    assertTrue(check(ready, "cluster").getString("detail").contains("not clustered"), ready.encode());
    // the canary went through history like any event, on a channel HTTP clients cannot publish to
    assertTrue(it.api().history("herald.canary." + it.node().nodeId()).getJsonArray("events").size() >= 1);
    assertProblem(it.api().post("/v1/channels/herald.canary." + it.node().nodeId() + "/events", "{\"data\":1}"), 400,
        "reserved-name");
  }

  @Test
  void readinessFailsNamingTheCheckWhenNoPresenceServiceRuns() {
    Vertx other = Vertx.vertx();
    try {
      HeraldNode partial = TestNode.start(other, Map.of("roles", "sse,replay,gateway"));
      Api partialApi = new Api(other, partial.port());
      JsonObject ready = readyUntil(other, partialApi, 503);
      assertEquals("DOWN", ready.getString("status"));
      assertEquals("DOWN", check(ready, "store").getString("status"));
      assertTrue(check(ready, "store").getString("detail").startsWith("presence:"), ready.encode());
      assertProblem(partialApi.post("/v1/heartbeat/start", null), 503, "unavailable");
      GapTest.waitUntil(other, () -> "UP".equals(check(partialApi.get("/health/ready").bodyAsJsonObject(), "delivery")
          .getString("status")));
      partialApi.close();
      TestNode.await(partial.stop());
    } finally {
      TestNode.await(other.close());
    }
  }

  @Test
  void metricsAreNodeMetersInPrometheusText() {
    it.api().publish("ops-metrics", null, "1");
    it.api().get("/health/live");
    Reply r = it.api().get("/metrics");
    assertEquals(200, r.statusCode());
    assertTrue(r.getHeader("Content-Type").startsWith("text/plain"), r.getHeader("Content-Type"));
    String text = r.bodyAsString();
    for (String meter : List.of("herald_http_requests_total{", "herald_events_published_total",
        "herald_presence_sessions", "herald_sse_streams", "herald_history_channels", "jvm_memory_used_bytes")) {
      assertTrue(text.contains(meter), meter + " missing from\n" + text);
    }
    assertTrue(text.lines().anyMatch(l -> l.startsWith("herald_http_requests_total{") && l.contains("route=\"/health/live\"")
        && l.contains("status=\"200\"") && l.contains("method=\"GET\"")), text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("herald_http_requests_total{")
        && l.contains("route=\"/v1/channels/:channel/events\"") && l.contains("status=\"201\"")), text);
  }

  @Test
  void statsGiveTheConsoleItsFigures() {
    it.api().publish("ops-stats", null, "1");
    String cookie = PresenceApiTest.startNew(it.api(), null);
    Reply r = it.api().get("/v1/stats");
    assertEquals(200, r.statusCode(), r::bodyAsString);
    JsonObject s = r.bodyAsJsonObject();
    assertEquals(it.node().nodeId(), s.getString("node"));
    assertEquals(1, s.getInteger("members"));
    assertTrue(s.getInteger("openStreams") >= 0);
    assertTrue(s.getInteger("sessionsOnline") >= 1, s.encode());
    assertEquals(false, s.getBoolean("sessionsCapped"));
    JsonObject history = s.getJsonObject("history");
    assertTrue(history.getLong("channels") >= 1, s.encode());
    JsonArray top = history.getJsonArray("top");
    assertTrue(top.stream().anyMatch(t -> "ops-stats".equals(((JsonObject) t).getString("channel"))), s.encode());
    assertTrue(top.stream().noneMatch(t -> ((JsonObject) t).getString("channel").startsWith("herald.")), s.encode());
    assertEquals(new JsonArray(), s.getJsonArray("problems"));
    it.api().post("/v1/heartbeat/stop", null, "Cookie", cookie);
  }

  @Test
  void theConsoleAndTheBrowserClientAreServed() {
    Reply page = it.api().get("/");
    assertEquals(200, page.statusCode());
    assertEquals("text/html; charset=utf-8", page.getHeader("Content-Type"));
    assertTrue(page.bodyAsString().contains("<html") || page.bodyAsString().contains("<!doctype"));
    Reply js = it.api().get("/herald.js");
    assertEquals(200, js.statusCode());
    assertEquals("text/javascript; charset=utf-8", js.getHeader("Content-Type"));
    assertEquals("nosniff", js.getHeader("X-Content-Type-Options"));
    assertProblem(it.api().send(HttpMethod.POST, "/herald.js", null), 405, "method-not-allowed");
  }

  @Test
  void corsAllowsTheConfiguredOriginsOnly() {
    HeraldNode cors = TestNode.start(it.vertx(), Map.of("http.cors.origins", "https://app.example"));
    Api c = new Api(it.vertx(), cors.port());
    Reply pre = c.send(HttpMethod.OPTIONS, "/v1/channels/cors/events", null, "Origin", "https://app.example",
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type,idempotency-key");
    assertTrue(pre.statusCode() == 204 || pre.statusCode() == 200, pre.bodyAsString());
    assertEquals("https://app.example", pre.getHeader("Access-Control-Allow-Origin"));
    assertEquals("true", pre.getHeader("Access-Control-Allow-Credentials"));
    // what the browser client sends: its session secret, a token, the last id
    Reply client = c.send(HttpMethod.OPTIONS, "/v1/heartbeat", null, "Origin", "https://app.example",
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers",
        "herald-session,authorization,last-event-id");
    assertTrue(client.statusCode() == 204 || client.statusCode() == 200, client.bodyAsString());
    String allowed = client.getHeader("Access-Control-Allow-Headers").toLowerCase();
    for (String h : List.of("herald-session", "authorization", "last-event-id")) {
      assertTrue(allowed.contains(h), h + " in " + allowed);
    }
    Reply ok = c.get("/health/live", "Origin", "https://app.example");
    String exposed = String.valueOf(ok.getHeader("Access-Control-Expose-Headers")).toLowerCase();
    assertTrue(exposed.contains("www-authenticate") && exposed.contains("retry-after"), exposed);
    assertEquals("https://app.example", ok.getHeader("Access-Control-Allow-Origin"));
    assertProblem(c.get("/v1/channels/cors/events", "Origin", "https://evil.example"), 403, "origin-not-allowed");
    Reply none = it.api().get("/health/live", "Origin", "https://app.example");
    assertNull(none.getHeader("Access-Control-Allow-Origin"), "no CORS unless configured");
    c.close();
    TestNode.await(cors.stop());

    HeraldNode any = TestNode.start(it.vertx(), Map.of("http.cors.origins", "*"));
    Api a = new Api(it.vertx(), any.port());
    Reply star = a.get("/health/live", "Origin", "https://anyone.example");
    assertNotNull(star.getHeader("Access-Control-Allow-Origin"));
    assertNull(star.getHeader("Access-Control-Allow-Credentials"), "no cookies for any origin at all");
    a.close();
    TestNode.await(any.stop());
  }
}
