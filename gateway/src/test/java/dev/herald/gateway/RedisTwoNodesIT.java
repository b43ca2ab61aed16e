package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.heartbeat.api.PresenceEvent;
import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Herald nodes, each in its own Vert.x with its own event bus (not clustered), on one redis-server: the
 * store alone makes them share presence and history (G3, G4 across nodes).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisTwoNodesIT {
  private static final int SESSIONS = 3_000;
  @RegisterExtension
  static final OnRedis.ForClass REDIS = new OnRedis.ForClass();

  @Test
  void aSessionAndAChannelOfOneNodeAreTheOtherNodesToo(Vertx vertx) {
    Vertx other = Vertx.vertx();
    TestNode.Running a = TestNode.run(vertx, REDIS.settings(Map.of()));
    TestNode.Running b = TestNode.run(other, REDIS.settings(Map.of()));
    try {
      String cookie = PresenceApiTest.startNew(a.api(), "{\"meta\":{\"name\":\"ada\"}}");
      String id = PresenceApiTest.idOf(cookie);
      Reply onB = b.api().get("/v1/sessions/" + id);
      assertEquals(200, onB.statusCode(), onB::bodyAsString);
      assertEquals(id, onB.bodyAsJsonObject().getString("sessionId"));
      assertEquals(new JsonObject().put("name", "ada"), onB.bodyAsJsonObject().getJsonObject("meta"));
      assertEquals(204, b.api().post("/v1/heartbeat", null, "Cookie", cookie).statusCode(), "B beats A's session");
      Reply again = b.api().post("/v1/heartbeat/start", null, "Cookie", cookie);
      assertEquals("reconnect", again.bodyAsJsonObject().getString("state"), "still connected, whichever node asks");
      assertEquals(204, b.api().post("/v1/heartbeat/stop", null, "Cookie", cookie).statusCode());
      assertEquals(404, a.api().get("/v1/sessions/" + id).statusCode(), "stopped on B is gone on A");

      String ch = "two-nodes";
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ids.add(a.api().publish(ch, null, Integer.toString(i)));
      }
      List<String> history = b.api().history(ch).getJsonArray("events").stream()
          .map(o -> ((JsonObject) o).getString("id")).toList();
      assertEquals(ids, history, "B reads what A published");
      SseTestClient resumed = Streams.live(other, b.port(), "/v1/stream?channel=" + ch, Map.of("Last-Event-ID", ids.get(0)));
      List<SseEvent> events = Streams.events(resumed, 3);
      assertEquals(ids.subList(1, 4), events.stream().map(SseEvent::id).toList());
      assertEquals(List.of("1", "2", "3"), events.stream().map(SseEvent::data).toList());
      String next = b.api().publish(ch, null, "4");
      TestNode.await(resumed.awaitEvent(e -> next.equals(e.id()), Streams.WAIT));
      assertEquals(5, a.api().history(ch).getJsonArray("events").size(), "one sequence for both nodes");
      Streams.close(resumed);
    } finally {
      a.stop();
      b.stop();
      TestNode.await(other.close());
    }
  }

  @Test
  void concurrentPurgesOfBothNodesDisconnectEachSessionOnce(Vertx vertx) {
    Map<String, Object> fast = REDIS.settings(Map.of("heartbeat.beatDelay", "500ms",
        "heartbeat.expireDelay", "2s", "heartbeat.purgeDelay", "100ms"));
    Vertx other = Vertx.vertx();
    TestNode.Running a = TestNode.run(vertx, fast);
    TestNode.Running b = TestNode.run(other, fast);
    PresenceAddresses addresses = new PresenceAddresses("herald");
    PresenceClient onA = new PresenceClient(vertx.eventBus(), addresses, 10_000);
    PresenceClient onB = new PresenceClient(other.eventBus(), addresses, 10_000);
    Map<String, AtomicInteger> disconnects = new ConcurrentHashMap<>();
    AtomicInteger total = new AtomicInteger();
    AtomicInteger[] perNode = {new AtomicInteger(), new AtomicInteger()};
    for (int n = 0; n < 2; n++) {
      AtomicInteger mine = perNode[n];
      PresenceClient client = n == 0 ? onA : onB;
      TestNode.await(client.on(PresenceEvent.Type.DISCONNECT, e -> {
        disconnects.computeIfAbsent(e.session().sessionId(), k -> new AtomicInteger()).incrementAndGet();
        total.incrementAndGet();
        mine.incrementAndGet();
      }).completion());
    }
    try {
      Set<String> started = ConcurrentHashMap.newKeySet();
      TestNode.await(Future.all(startMany(onA, SESSIONS / 2, started), startMany(onB, SESSIONS - SESSIONS / 2, started)));
      assertEquals(SESSIONS, started.size());
      // besides both nodes' purge timers, explicit purges from both nodes race until every session is gone
      AtomicInteger purges = new AtomicInteger();
      long racing = vertx.setPeriodic(50, t -> {
        onA.purge().onSuccess(x -> purges.incrementAndGet());
        onB.purge().onSuccess(x -> purges.incrementAndGet());
      });
      GapTest.waitUntil(vertx, () -> total.get() >= SESSIONS);
      // go on racing a little longer: a second disconnect of any session would show now
      int after = purges.get();
      GapTest.waitUntil(vertx, () -> purges.get() >= after + 20);
      vertx.cancelTimer(racing);

      assertEquals(SESSIONS, total.get(), "one disconnect per session, counted on both nodes' buses (A published "
          + perNode[0] + ", B " + perNode[1] + ")");
      assertEquals(started, disconnects.keySet());
      assertTrue(disconnects.values().stream().allMatch(c -> c.get() == 1), "no session disconnected twice");
      assertEquals(0, a.api().get("/v1/sessions?limit=10").bodyAsJsonObject().getJsonArray("sessions").size());
    } finally {
      a.stop();
      b.stop();
      TestNode.await(other.close());
    }
  }

  /** Starts {@code n} new sessions through {@code client}, at most 100 at a time; adds their ids to {@code ids}. */
  private static Future<Void> startMany(PresenceClient client, int n, Set<String> ids) {
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    Runnable[] one = new Runnable[1];
    one[0] = () -> {
      if (next.getAndIncrement() >= n) {
        return;
      }
      client.start(null, null, null).onComplete(ar -> {
        if (ar.failed()) {
          done.tryFail(ar.cause());
          return;
        }
        ids.add(ar.result().session().sessionId());
        if (finished.incrementAndGet() == n) {
          done.tryComplete();
        } else {
          one[0].run();
        }
      });
    };
    for (int i = 0; i < Math.min(100, n); i++) {
      one[0].run();
    }
    return done.future();
  }
}
