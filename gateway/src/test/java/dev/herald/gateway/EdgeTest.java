package dev.herald.gateway;

import static dev.herald.gateway.Api.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP edge (docs/http-api.md#edge, G6) over raw sockets and a real HTTP client: every refusal is a
 * problem (the HTTP layer's own included), nothing refused is stored, and the node stays ready.
 * {@link RedisEdgeTest} runs the same on the Redis store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EdgeTest {
  static final String ORIGIN = "https://app.example";

  Vertx vertx;
  TestNode.Running it;

  /** The settings of this class's node: the store ({@link RedisEdgeTest}: Redis) on top of {@code overrides}. */
  Map<String, Object> settings(Map<String, Object> overrides) {
    return overrides;
  }

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    it = TestNode.run(vertx, settings(Map.of("http.cors.origins", ORIGIN)));
    awaitReady(it.api());
  }

  @AfterAll
  void stop() {
    it.stop();
    TestNode.await(vertx.close());
  }

  /** Whatever a test sent, the node is still ready. */
  @AfterEach
  void stillReady() {
    awaitReady(it.api());
  }

  /**
   * Polls {@code /health/ready} until it answers 200. A kept-alive connection the node closes as a request is
   * sent (its http.idleTimeout or http.requestTimeout ran out just then) is asked again, as browsers do.
   */
  static void awaitReady(Api api) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    Reply r = null;
    while (r == null || r.statusCode() != 200 && System.nanoTime() < deadline) {
      try {
        r = api.get("/health/ready");
      } catch (io.vertx.core.http.HttpClosedException e) {
        assertTrue(System.nanoTime() < deadline, "no answer: " + e.getMessage());
      }
    }
    assertEquals(200, r.statusCode(), r::bodyAsString);
  }

  private int port() {
    return it.port();
  }

  private void assertNothingStored(String channel) {
    assertEquals(0, it.api().history(channel).getJsonArray("events").size(), "nothing stored on " + channel);
  }

  private static void assertRawProblem(RawHttp.Answer a, int status, String slug) {
    Api.assertProblem(new Reply(a.status(), a.headers(), a.body()), status, slug);
    assertTrue(a.statusLine().startsWith("HTTP/1.1 "), a.statusLine());
  }

  @Test
  void theHttpLayersOwnRefusalsAreProblemsAndCloseTheConnection() {
    String big = "a".repeat(100_000);
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Answer a = c.send("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n")
          .read("GET", "/health/live");
      assertRawProblem(a, 431, "headers-too-large");
      assertTrue(c.closedWithin(RawHttp.READ));
    }
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Answer a = c.send("GET /v1/channels/edge-uri/events?after=" + big + " HTTP/1.1\r\nHost: x\r\n\r\n")
          .read("GET", "/v1/channels/edge-uri/events?after=" + big);
      assertRawProblem(a, 414, "uri-too-long");
      assertTrue(c.closedWithin(RawHttp.READ));
    }
    for (String bad : List.of("GET /health/live HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n",
        "POST /v1/channels/edge-chunk/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")) {
      try (RawHttp c = new RawHttp(port())) {
        String uri = bad.substring(bad.indexOf(' ') + 1, bad.indexOf(" HTTP/1.1"));
        RawHttp.Answer a = c.send(bad).read(bad.substring(0, bad.indexOf(' ')), uri);
        assertRawProblem(a, 400, "malformed-request");
        assertTrue(c.closedWithin(RawHttp.READ));
      }
    }
    assertNothingStored("edge-chunk");
  }

  @Test
  void aRequestWithBothLengthsIsRefusedAndItsConnectionClosed() {
    String body = "{\"data\":1}";
    for (String coding : List.of("chunked", "gzip")) {
      try (RawHttp c = new RawHttp(port())) {
        RawHttp.Answer a = c.send("POST /v1/channels/edge-smuggle/events HTTP/1.1\r\nHost: x\r\nContent-Type: "
            + "application/json\r\nContent-Length: " + body.length() + "\r\nTransfer-Encoding: " + coding
            + "\r\n\r\n" + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n"
            + "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").read("POST", "/v1/channels/edge-smuggle/events");
        assertRawProblem(a, 400, "ambiguous-length");
        assertEquals("close", a.header("Connection"));
        assertTrue(c.closedWithin(RawHttp.READ), "the request after it is never read");
      }
    }
    assertNothingStored("edge-smuggle");
  }

  @Test
  void queryParametersAreNeverDropped() {
    String ch = "edge-params";
    it.api().publish(ch, null, "1");
    it.api().publish(ch, null, "2");
    String filler = "p=1&".repeat(EdgeRules.MAX_QUERY_PARAMETERS - 1);
    JsonObject page = it.api().get("/v1/channels/" + ch + "/events?" + filler + "limit=1").bodyAsJsonObject();
    assertEquals(1, page.getJsonArray("events").size(), "the last of 1024 parameters is read");
    assertProblem(it.api().get("/v1/channels/" + ch + "/events?" + filler + "p=2&limit=1"), 400,
        "too-many-parameters");
    JsonObject p = assertProblem(it.api().get("/v1/channels/" + ch + "/events?" + "p&".repeat(2000)
        + "limit=1&limit=2"), 400, "too-many-parameters");
    assertTrue(p.getString("detail").contains("2002"), p.encode());
    JsonObject twice = assertProblem(it.api().get("/v1/channels/" + ch + "/events?" + "p&".repeat(1000)
        + "limit=1&limit=2"), 400, "invalid-query");
    assertTrue(twice.getString("detail").contains("2 times"), twice.encode());
  }

  @Test
  void aBodyThatIsNotUtf8IsRefused() {
    String ch = "edge-utf8";
    byte[] bad = "{\"data\":\"caf\u00e9 \"}".getBytes(StandardCharsets.ISO_8859_1);
    assertProblem(it.api().send(HttpMethod.POST, "/v1/channels/" + ch + "/events", Buffer.buffer(bad),
        "Content-Type", "application/json"), 400, "invalid-utf8");
    byte[] batch = ("[{\"channel\":\"" + ch + "\",\"data\":\"\u00ff\"}]").getBytes(StandardCharsets.ISO_8859_1);
    assertProblem(it.api().send(HttpMethod.POST, "/v1/events", Buffer.buffer(batch), "Content-Type",
        "application/json"), 400, "invalid-utf8");
    byte[] meta = "{\"meta\":{\"n\":\"\u00e9\"}}".getBytes(StandardCharsets.ISO_8859_1);
    assertProblem(it.api().send(HttpMethod.POST, "/v1/heartbeat/start", Buffer.buffer(meta), "Content-Type",
        "application/json"), 400, "invalid-utf8");
    assertNothingStored(ch);
    String good = it.api().publish(ch, null, "\"caf\u00e9 \ud83d\ude00\"");
    assertEquals(good, it.api().history(ch).getJsonArray("events").getJsonObject(0).getString("id"));
    assertEquals("caf\u00e9 \ud83d\ude00", it.api().history(ch).getJsonArray("events").getJsonObject(0)
        .getString("data"));
  }

  @Test
  void jsonRoutesTakeJsonOnly() {
    String ch = "edge-media";
    String path = "/v1/channels/" + ch + "/events";
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/json; charset=iso-8859-1", "text/json")) {
      assertProblem(it.api().send(HttpMethod.POST, path, Buffer.buffer("{\"data\":1}"), "Content-Type", type), 415,
          "unsupported-media-type");
    }
    assertProblem(it.api().send(HttpMethod.POST, path, Buffer.buffer("{\"data\":1}")), 415,
        "unsupported-media-type");
    assertProblem(it.api().send(HttpMethod.POST, "/v1/events", Buffer.buffer("[]"), "Content-Type", "text/plain"),
        415, "unsupported-media-type");
    assertProblem(it.api().send(HttpMethod.POST, "/v1/heartbeat/start", Buffer.buffer("{}"), "Content-Type",
        "text/plain"), 415, "unsupported-media-type");
    assertNothingStored(ch);
    assertEquals(201, it.api().send(HttpMethod.POST, path, Buffer.buffer("{\"data\":1}"), "Content-Type",
        "Application/JSON; charset=\"UTF-8\"").statusCode());
    // the stop of navigator.sendBeacon: text/plain, or no type at all
    assertEquals(204, it.api().send(HttpMethod.POST, "/v1/heartbeat/stop", Buffer.buffer("bye"), "Content-Type",
        "text/plain;charset=UTF-8").statusCode());
    assertEquals(204, it.api().send(HttpMethod.POST, "/v1/heartbeat/stop", Buffer.buffer("bye")).statusCode());
    assertProblem(it.api().send(HttpMethod.POST, "/v1/heartbeat/stop", Buffer.buffer("a=b"), "Content-Type",
        "application/x-www-form-urlencoded"), 415, "unsupported-media-type");
  }

  @Test
  void headIsAnsweredWhereverGetIs() {
    String ch = "edge-head";
    it.api().publish(ch, null, "1");
    int routes = 0;
    for (Route route : it.node().router().getRoutes()) {
      if (route.getPath() == null || route.methods() == null || !route.methods().contains(HttpMethod.GET)) {
        continue;
      }
      assertTrue(route.methods().contains(HttpMethod.HEAD), route.getPath());
      String uri = route.getPath().replace(":channel", ch).replace(":id", "nobody")
          + (route.getPath().equals("/v1/stream") ? "?channel=" + ch : "");
      Reply get = route.getPath().endsWith("stream") ? null : it.api().get(uri);
      Reply head = it.api().send(HttpMethod.HEAD, uri, null);
      if (get != null) {
        assertEquals(get.statusCode(), head.statusCode(), uri);
        assertEquals(get.getHeader("Content-Type"), head.getHeader("Content-Type"), uri);
      } else {
        assertEquals(200, head.statusCode(), uri);
        assertTrue(head.getHeader("Content-Type").startsWith("text/event-stream"), uri);
      }
      assertTrue(head.body() == null || head.body().length() == 0, uri);
      routes++;
    }
    assertTrue(routes >= 8, "GET routes seen: " + routes);
    assertEquals(200, it.api().send(HttpMethod.HEAD, "/health/live", null).statusCode());
    assertEquals(400, it.api().send(HttpMethod.HEAD, "/v1/stream", null).statusCode());
    // a HEAD of a stream holds no stream: only the readiness canary's stays open
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!it.api().get("/metrics").bodyAsString().contains("herald_sse_streams 1.0")) {
      assertTrue(System.nanoTime() < deadline, "streams left open: " + it.api().get("/metrics").bodyAsString()
          .lines().filter(l -> l.startsWith("herald_sse_streams")).toList());
    }
  }

  @Test
  void aWrongMethodIsToldWhatIsAllowed() {
    Reply r = it.api().send(HttpMethod.DELETE, "/v1/stream", null);
    assertProblem(r, 405, "method-not-allowed");
    assertEquals("GET, HEAD", r.getHeader("Allow"));
    Reply put = it.api().send(HttpMethod.PUT, "/v1/channels/edge-allow/events", Buffer.buffer("{}"));
    assertProblem(put, 405, "method-not-allowed");
    assertEquals("GET, HEAD, POST", put.getHeader("Allow"));
    assertEquals("POST", assertAllow(it.api().get("/v1/heartbeat/start")));
  }

  private static String assertAllow(Reply r) {
    assertProblem(r, 405, "method-not-allowed");
    return r.getHeader("Allow");
  }

  @Test
  void aLongOrUnreadableCursorIsAGapOnALiveStream() {
    String ch = "edge-cursor";
    for (Map.Entry<String, String> resume : List.of(Map.entry("Last-Event-ID", "Q".repeat(16 * 1024)),
        Map.entry("Last-Event-ID", "AQ" + "A".repeat(20_000)), Map.entry("Last-Event-ID", "%%%\u00e9"))) {
      SseTestClient c = Streams.live(vertx, port(), "/v1/stream?channel=" + ch, Map.ofEntries(resume));
      List<SseEvent> events = Streams.events(c, 1);
      assertEquals("herald.gap", events.get(0).type());
      assertEquals("invalid-cursor", new JsonObject(events.get(0).data()).getString("reason"));
      String id = it.api().publish(ch, null, "1");
      assertEquals(id, Streams.events(c, 2).get(1).id(), "then live");
      Streams.close(c);
    }
    SseTestClient q = Streams.live(vertx, port(), "/v1/stream?channel=" + ch + "&lastEventId=" + "Z".repeat(12_000));
    assertEquals("invalid-cursor", new JsonObject(Streams.events(q, 1).get(0).data()).getString("reason"));
    Streams.close(q);
  }

  @Test
  void corsAllowsHeraldsOwnOriginAndTheNamedOnes() {
    String ch = "edge-cors";
    String own = "http://127.0.0.1:" + port();
    Reply mine = it.api().post("/v1/channels/" + ch + "/events", "{\"data\":1}", "Origin", own);
    assertEquals(201, mine.statusCode(), mine::bodyAsString);
    assertNull(mine.getHeader("Access-Control-Allow-Origin"), "a same-origin call needs no CORS");
    RawHttp.Answer viaName = RawHttp.exchange(port(), "POST /v1/channels/" + ch + "/events HTTP/1.1\r\nHost: "
        + "LocalHost:" + port() + "\r\nOrigin: http://localhost:" + port() + "\r\nContent-Type: application/json\r\n"
        + "Content-Length: 10\r\nConnection: close\r\n\r\n{\"data\":2}");
    assertEquals(201, viaName.status(), viaName.body()::toString);
    assertProblem(it.api().post("/v1/channels/" + ch + "/events", "{\"data\":3}", "Origin",
        "http://127.0.0.1:" + (port() + 1)), 403, "origin-not-allowed");
    assertProblem(it.api().post("/v1/channels/" + ch + "/events", "{\"data\":3}", "Origin", "https://evil.example"),
        403, "origin-not-allowed");
    assertEquals(2, it.api().history(ch).getJsonArray("events").size(), "the refused ones are not stored");
    Reply pre = it.api().send(HttpMethod.OPTIONS, "/v1/stream", null, "Origin", ORIGIN,
        "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers",
        "authorization,herald-session,last-event-id,idempotency-key,content-type");
    assertEquals(204, pre.statusCode());
    assertEquals(ORIGIN, pre.getHeader("Access-Control-Allow-Origin"));
    assertEquals("true", pre.getHeader("Access-Control-Allow-Credentials"));
    String allowed = pre.getHeader("Access-Control-Allow-Headers").toLowerCase();
    for (String h : List.of("authorization", "herald-session", "last-event-id", "idempotency-key", "content-type")) {
      assertTrue(allowed.contains(h), allowed);
    }
    Reply cross = it.api().get("/v1/channels/" + ch + "/events", "Origin", ORIGIN);
    assertEquals(ORIGIN, cross.getHeader("Access-Control-Allow-Origin"));
    assertTrue(cross.getHeader("Access-Control-Expose-Headers").contains("Retry-After"));
  }

  @Test
  void theConsoleForbidsFramingAndForeignScripts() throws Exception {
    Reply page = it.api().get("/");
    assertEquals(200, page.statusCode());
    String csp = page.getHeader("Content-Security-Policy");
    assertTrue(csp.contains("frame-ancestors 'none'"), csp);
    assertTrue(csp.contains("script-src 'self'"), csp);
    assertFalse(csp.contains("unsafe-eval") || csp.contains("script-src 'self' 'unsafe-inline'"), csp);
    assertEquals("DENY", page.getHeader("X-Frame-Options"));
    Matcher inline = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(page.bodyAsString());
    int scripts = 0;
    while (inline.find()) {
      String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(inline.group(1).getBytes(StandardCharsets.UTF_8)));
      assertTrue(csp.contains("'sha256-" + hash + "'"), "the page's inline script is allowed by its hash");
      scripts++;
    }
    assertTrue(scripts > 0);
    assertTrue(page.bodyAsString().contains("href=\"/v1/openapi.json\""), "the console links the API document");
    assertEquals("nosniff", it.api().get("/health/live").getHeader("X-Content-Type-Options"));
  }
}
