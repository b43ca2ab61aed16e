package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The edge's hold on connections (docs/operations.md#the-http-edge): what does not send its request in
 * {@code http.requestTimeout} or stays idle for {@code http.idleTimeout} is closed, open streams are never
 * idle, and a flood of connections past {@code http.maxConnections} leaves {@code /health/live} answering
 * and is released. {@link RedisEdgeConnectionsTest} runs the same on the Redis store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EdgeConnectionsTest {
  Vertx vertx;

  /** The settings of a node of this class: the store ({@link RedisEdgeConnectionsTest}: Redis) on top of {@code overrides}. */
  Map<String, Object> settings(Map<String, Object> overrides) {
    return overrides;
  }

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  void stop() {
    TestNode.await(vertx.close());
  }

  /** A ready node; stopped again when it does not get ready (two nodes in one Vert.x would share their services). */
  private TestNode.Running node(Map<String, Object> overrides) {
    TestNode.Running it = TestNode.run(vertx, settings(new HashMap<>(overrides)));
    try {
      EdgeTest.awaitReady(it.api());
    } catch (RuntimeException | AssertionError e) {
      it.stop();
      throw e;
    }
    return it;
  }

  /** The node's open HTTP connections, not counting the one that asks. */
  static int connections(int port) {
    RawHttp.Answer a = RawHttp.exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    return a.body().toString().lines().filter(l -> l.startsWith("herald_http_connections "))
        .mapToInt(l -> (int) Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow() - 1;
  }

  static double counter(int port, String name) {
    RawHttp.Answer a = RawHttp.exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    return a.body().toString().lines().filter(l -> l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
  }

  /** Waits until the node holds at most {@code n} connections (besides the one asking). */
  static void awaitConnections(int port, int n, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    int open = connections(port);
    while (open > n) {
      assertTrue(System.nanoTime() < deadline, "still " + open + " connections open, expected at most " + n);
      open = connections(port);
    }
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Test
  void connectionsThatSendNothingTrickleOrIdleAreClosedButStreamsStay() {
    TestNode.Running it = node(Map.of("http.requestTimeout", "1s", "http.idleTimeout", "2s", "sse.pingInterval", "60s"));
    try {
      String ch = "edge-idle";
      SseTestClient stream = Streams.live(vertx, it.port(), "/v1/stream?channel=" + ch);

      long start = System.nanoTime();
      try (RawHttp silent = new RawHttp(it.port())) {
        assertTrue(silent.closedWithin(Duration.ofSeconds(10)));
        assertTrue(millisSince(start) >= 900, "closed after http.requestTimeout, not at once");
      }

      start = System.nanoTime();
      try (RawHttp trickle = new RawHttp(it.port())) {
        trickle.send("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        boolean closed = false;
        while (!closed && millisSince(start) < 10_000) {
          trickle.send("a");
          closed = trickle.closedWithin(Duration.ofMillis(200));
        }
        assertTrue(closed);
        assertTrue(millisSince(start) < 5_000, "bytes that trickle do not extend http.requestTimeout");
      }

      try (RawHttp slowBody = new RawHttp(it.port())) {
        RawHttp.Answer a = slowBody.send("POST /v1/channels/" + ch + "/events HTTP/1.1\r\nHost: x\r\nContent-Type: "
            + "application/json\r\nContent-Length: 100\r\n\r\n{\"data\":").read("POST", "/v1/channels/" + ch + "/events");
        Api.assertProblem(new Reply(a.status(), a.headers(), a.body()), 408, "request-timeout");
        assertTrue(slowBody.closedWithin(Duration.ofSeconds(10)));
      }

      start = System.nanoTime();
      try (RawHttp keptAlive = new RawHttp(it.port())) {
        assertEquals(200, keptAlive.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").read("GET", "/health/live")
            .status());
        assertTrue(keptAlive.closedWithin(Duration.ofSeconds(10)));
        assertTrue(millisSince(start) >= 1_800, "an idle kept-alive connection is closed after http.idleTimeout");
      }

      // the stream, silent all along (pings every 60 s), is not idle: it is still there and live
      assertFalse(stream.isEnded());
      Api fresh = new Api(vertx, it.port()); // the node closed the pooled connection of it.api(): it was idle
      String id = fresh.publish(ch, null, "1");
      assertEquals(id, Streams.events(stream, 1).get(0).id());
      assertEquals(1, fresh.history(ch).getJsonArray("events").size(), "the slow body stored nothing");
      Streams.close(stream);
      EdgeTest.awaitReady(fresh);
      fresh.close();
    } finally {
      it.stop();
    }
  }

  @Test
  void aFloodOfConnectionsLeavesHealthAnsweringAndIsReleased() {
    int cap = 30;
    TestNode.Running it = node(Map.of("http.maxConnections", cap, "http.requestTimeout", "3s"));
    int port = it.port();
    it.api().close(); // its pooled connections would count; every call below has its own connection
    List<RawHttp> held = new ArrayList<>();
    try (LogTap log = LogTap.install()) {
      // idle connections: each one past the cap closes the longest-idle one
      awaitConnections(port, 1, Duration.ofSeconds(10)); // the readiness canary's stream
      for (int i = 0; i < 2 * cap; i++) {
        held.add(new RawHttp(port));
      }
      long start = System.nanoTime();
      RawHttp.Answer live = RawHttp.exchange(port, "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertEquals(200, live.status());
      assertTrue(millisSince(start) < 1_000, "/health/live answered in " + millisSince(start) + " ms");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (counter(port, "herald_http_connections_evicted_total") < cap) {
        assertTrue(System.nanoTime() < deadline, "idle ones were closed to make room");
      }
      held.forEach(RawHttp::close);
      held.clear();
      awaitConnections(port, 1, Duration.ofSeconds(10));

      // busy connections (streams) up to the cap: a new one serves /health/* only, then past the overflow none
      for (int i = 0; i < cap - 1; i++) {
        RawHttp s = new RawHttp(port);
        held.add(s);
        assertEquals(200, s.send("GET /v1/stream?channel=edge-flood HTTP/1.1\r\nHost: x\r\n\r\n")
            .read("GET", "/v1/stream?channel=edge-flood").status());
      }
      start = System.nanoTime();
      assertEquals(200, RawHttp.exchange(port, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").status());
      assertTrue(millisSince(start) < 1_000, "/health/live answered in " + millisSince(start) + " ms");
      RawHttp.Answer refused = RawHttp.exchange(port, "POST /v1/channels/edge-flood/events HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"data\":1}");
      Api.assertProblem(new Reply(refused.status(), refused.headers(), refused.body()), 503, "too-many-connections");
      assertEquals("1", refused.header("Retry-After"));
      // silent connections over the cap with every connection busy: they close one another, oldest first, so
      // a probe that comes after them is still answered
      for (int i = 0; i < 2 * Connections.OVERFLOW; i++) {
        held.add(new RawHttp(port));
      }
      start = System.nanoTime();
      assertEquals(200, RawHttp.exchange(port, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").status());
      assertTrue(millisSince(start) < 1_000, "/health/live answered in " + millisSince(start) + " ms");

      held.forEach(RawHttp::close);
      held.clear();
      awaitConnections(port, 1, Duration.ofSeconds(15));
      RawHttp.Answer ok = RawHttp.exchange(port, "POST /v1/channels/edge-flood/events HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/json\r\nContent-Length: 10\r\nConnection: close\r\n\r\n{\"data\":2}");
      assertEquals(201, ok.status(), "served again once released");
      RawHttp.Answer history = RawHttp.exchange(port, "GET /v1/channels/edge-flood/events HTTP/1.1\r\nHost: x\r\n"
          + "Connection: close\r\n\r\n");
      assertEquals(1, new io.vertx.core.json.JsonObject(history.body()).getJsonArray("events").size(),
          () -> "the refused publish stored nothing: " + history.body());
      assertTrue(log.count("to make room") <= 1, "evictions are logged once per interval: " + log.lines());
      assertEquals(0, log.lines().stream().filter(l -> l.startsWith("\tat ")).count(), "no stack traces");
    } finally {
      held.forEach(RawHttp::close);
      it.stop();
    }
  }
}
