package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceEvent;
import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * G3 on one node: every connect gets exactly one disconnect, while purges run concurrently (the
 * node's own and many {@code POST /v1/sessions/purge}) and stops race the sessions' expiry.
 * {@link RedisPresenceRaceTest} runs the same test on the Redis store.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PresenceRaceTest {
  private static final int SESSIONS = 30;

  @Test
  void oneDisconnectPerConnectWhilePurgesAndStopsRace(Vertx vertx) {
    HeraldNode node = node(vertx, Map.of("heartbeat.beatDelay", "100ms", "heartbeat.expireDelay", "400ms",
        "heartbeat.purgeDelay", "100ms"));
    Api api = new Api(vertx, node.port());
    PresenceAddresses addresses = new PresenceAddresses("herald");
    Map<String, AtomicInteger> connects = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> disconnects = new ConcurrentHashMap<>();
    Map<String, String> reasons = new ConcurrentHashMap<>();
    TestNode.await(vertx.eventBus().<JsonObject>consumer(addresses.event(PresenceEvent.Type.CONNECT),
        m -> connects.computeIfAbsent(m.body().getString("sessionId"), k -> new AtomicInteger()).incrementAndGet())
        .completion());
    TestNode.await(vertx.eventBus().<JsonObject>consumer(addresses.event(PresenceEvent.Type.DISCONNECT), m -> {
      disconnects.computeIfAbsent(m.body().getString("sessionId"), k -> new AtomicInteger()).incrementAndGet();
      reasons.put(m.body().getString("sessionId"), m.body().getString("reason"));
    }).completion());
    SseTestClient stream = Streams.live(vertx, node.port(), "/v1/presence/stream");

    List<String> cookies = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      cookies.add(PresenceApiTest.startNew(api, null));
      if (i % 2 == 0) {
        // at once, well inside expireDelay even on a loaded machine: a reconnect is no new connect
        Reply again = api.post("/v1/heartbeat/start", null, "Cookie", cookies.get(i));
        assertEquals("reconnect", again.bodyAsJsonObject().getString("state"));
      }
    }
    TestNode.await(race(vertx, node.port(), cookies));
    Set<String> ids = Set.copyOf(cookies.stream().map(c -> PresenceApiTest.idOf(c)).toList());
    GapTest.waitUntil(vertx, () -> ids.stream().allMatch(disconnects::containsKey));

    // a marker session's disconnect comes after every disconnect published before it
    String marker = PresenceApiTest.startNew(api, null);
    String markerId = PresenceApiTest.idOf(marker);
    assertEquals(204, api.post("/v1/heartbeat/stop", null, "Cookie", marker).statusCode());
    GapTest.waitUntil(vertx, () -> disconnects.containsKey(markerId));
    TestNode.await(stream.awaitEvent(e -> e.type().equals("disconnect") && e.data().contains(markerId),
        Streams.WAIT));

    for (String id : ids) {
      assertEquals(1, connects.get(id).get(), "connects of " + id);
      assertEquals(1, disconnects.get(id).get(), "disconnects of " + id);
      assertTrue(Set.of("stop", "timeout").contains(reasons.get(id)), reasons.get(id));
    }
    for (String type : List.of("connect", "disconnect")) {
      List<String> seen = stream.events(type).stream().map(SseEvent::data)
          .map(d -> new JsonObject(d).getString("sessionId")).filter(ids::contains).toList();
      assertEquals(SESSIONS, seen.size(), type + " events on the presence stream");
      assertEquals(ids, Set.copyOf(seen));
    }
    assertEquals(SESSIONS / 2, stream.events("reconnect").stream()
        .filter(e -> ids.contains(new JsonObject(e.data()).getString("sessionId"))).count(), "a reconnect is no connect");
    Streams.close(stream);
    api.close();
    TestNode.await(node.stop());
  }

  /** Starts the node under test; a store variant overrides it to put its store under the node. */
  HeraldNode node(Vertx vertx, Map<String, ?> overrides) {
    return TestNode.start(vertx, overrides);
  }

  /** Stops half of the sessions around their expiry while ten purges at a time run, every 40 ms, for 1.2 s. */
  private static Future<Void> race(Vertx vertx, int port, List<String> cookies) {
    WebClient web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(20));
    List<Future<?>> all = new ArrayList<>();
    for (int i = 1; i < cookies.size(); i += 2) {
      Promise<Void> stopped = Promise.promise();
      String cookie = cookies.get(i);
      vertx.setTimer(300 + 10L * i, t -> web.post("/v1/heartbeat/stop").putHeader("Cookie", cookie)
          .sendBuffer(Buffer.buffer("bye")).onComplete(ar -> check(ar.succeeded() && ar.result().statusCode() == 204,
              stopped, "stop")));
      all.add(stopped.future());
    }
    for (int round = 0; round < 30; round++) {
      for (int k = 0; k < 10; k++) {
        Promise<Void> purged = Promise.promise();
        vertx.setTimer(1 + 40L * round, t -> web.post("/v1/sessions/purge").send().onComplete(ar ->
            check(ar.succeeded() && ar.result().statusCode() == 200, purged, "purge")));
        all.add(purged.future());
      }
    }
    return Future.all(all).andThen(x -> web.close()).mapEmpty();
  }

  private static void check(boolean ok, Promise<Void> p, String what) {
    if (ok) {
      p.complete();
    } else {
      p.fail(what + " failed");
    }
  }
}
