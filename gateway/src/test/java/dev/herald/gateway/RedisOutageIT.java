package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import dev.herald.testkit.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Redis trouble is an expected event: with Redis stopped or frozen mid-run, publish and heartbeat answer
 * {@code 503} problem+json within a bound, open streams stay open (their keep-alive comments go on), readiness
 * turns {@code 503} naming the store check; when Redis returns on the same port everything recovers without
 * restarting Herald, and the log says each change of state once.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisOutageIT {
  /** A generous bound for a 503 (the Redis request timeout is 2 s); never a measure of speed. */
  static final long FAST_MS = 5_000;
  /**
   * How long a stream is open before the outage begins. In its first seconds on a channel newly consumed on
   * its node, a stream reads the history again (the sse module's catch-up for clusters, 1 s and 4 s after the
   * registration) and closes when that read fails; the outage tested here meets established streams.
   */
  static final long ESTABLISHED_MS = 5_000;

  /** What a test does to the redis-server: stop it, restart it, freeze it, thaw it. */
  private interface Act {
    void on(RedisServer redis) throws IOException;
  }

  @Test
  void aStoppedRedisIsAnsweredWith503AndRecoveredFromOnTheSamePort(Vertx vertx) throws IOException {
    // persistent, so the session and the history outlive the stop (G4)
    try (RedisServer redis = OnRedis.startPersistent()) {
      survive(vertx, redis, "out-stop", RedisServer::stop, RedisServer::restart);
    }
  }

  @Test
  void aFrozenRedisIsAnsweredWith503WithinTheTimeoutAndRecoveredFrom(Vertx vertx) throws IOException {
    try (RedisServer redis = OnRedis.start()) {
      survive(vertx, redis, "out-pause", RedisServer::pause, RedisServer::resume);
    }
  }

  private static void survive(Vertx vertx, RedisServer redis, String channel, Act outage, Act recovery)
      throws IOException {
    TestNode.Running it = TestNode.run(vertx, OnRedis.settings(redis, Map.of()));
    Api api = it.api();
    try {
      SseTestClient stream = Streams.live(vertx, it.port(), "/v1/stream?channel=" + channel);
      long openedAt = System.nanoTime();
      awaitReadiness(vertx, api, 200);
      String cookie = PresenceApiTest.startNew(api, null);
      List<String> acked = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        acked.add(api.publish(channel, null, Integer.toString(i)));
      }
      Streams.events(stream, 3);
      GapTest.waitUntil(vertx, () -> System.nanoTime() - openedAt > TimeUnit.MILLISECONDS.toNanos(ESTABLISHED_MS));

      try (LogTap log = LogTap.install()) {
        outage.on(redis);

        Reply publish = timed(() -> api.post("/v1/channels/" + channel + "/events", "{\"data\":99}",
            "Content-Type", "application/json"));
        Api.assertProblem(publish, 503, "unavailable");
        Reply beat = timed(() -> api.post("/v1/heartbeat", null, "Cookie", cookie));
        Api.assertProblem(beat, 503, "unavailable");
        Reply batch = timed(() -> api.post("/v1/events", "[{\"channel\":\"" + channel + "\",\"data\":98}]",
            "Content-Type", "application/json"));
        Api.assertProblem(batch, 503, "unavailable");

        JsonObject down = awaitReadiness(vertx, api, 503);
        assertEquals("DOWN", check(down, "store").getString("status"), down::encode);

        int comments = stream.comments().size();
        TestNode.await(stream.awaitComments(comments + 2, Streams.WAIT));
        assertFalse(stream.isEnded(), "the stream stays open while Redis is away");

        recovery.on(redis);

        JsonObject up = awaitReadiness(vertx, api, 200);
        assertEquals("UP", check(up, "store").getString("status"), up::encode);
        String after = api.publish(channel, null, "3");
        acked.add(after);
        SseEvent live = TestNode.await(stream.awaitEvent(e -> after.equals(e.id()), Streams.WAIT));
        assertEquals("3", live.data());
        assertFalse(stream.isEnded());
        assertEquals(204, api.post("/v1/heartbeat", null, "Cookie", cookie).statusCode(), "the session outlived it");

        List<String> stored = api.history(channel).getJsonArray("events").stream()
            .map(o -> ((JsonObject) o).getString("id")).toList();
        assertTrue(stored.containsAll(acked), "every acknowledged publish is stored: " + acked + " in " + stored);

        GapTest.waitUntil(vertx, () -> log.count("redis reachable again at") >= 1);
        assertEquals(1, log.count("redis unreachable at"), () -> String.join("\n", log.lines()));
        assertEquals(1, log.count("redis reachable again at"), () -> String.join("\n", log.lines()));
      }
      Streams.close(stream);
    } finally {
      it.stop();
    }
  }

  /** Runs a request and asserts it was answered within {@link #FAST_MS}. */
  static Reply timed(java.util.function.Supplier<Reply> request) {
    long start = System.nanoTime();
    Reply r = request.get();
    long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertTrue(ms < FAST_MS, "answered in " + ms + " ms, bound " + FAST_MS + " ms: " + r.bodyAsString());
    return r;
  }

  /** Polls {@code /health/ready} until it answers {@code status}; answers its body. */
  static JsonObject awaitReadiness(Vertx vertx, Api api, int status) {
    JsonObject[] last = new JsonObject[1];
    GapTest.waitUntil(vertx, () -> {
      Reply r = api.get("/health/ready");
      last[0] = r.bodyAsJsonObject();
      return r.statusCode() == status;
    });
    return last[0];
  }

  static JsonObject check(JsonObject readiness, String name) {
    JsonArray checks = readiness.getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      if (name.equals(checks.getJsonObject(i).getString("name"))) {
        return checks.getJsonObject(i);
      }
    }
    throw new AssertionError("no check " + name + " in " + readiness.encode());
  }
}
