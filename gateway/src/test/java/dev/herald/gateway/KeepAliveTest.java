package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code heartbeat.streamKeepsAlive}: a session with no beats stays connected past its expiry while a
 * stream with its cookie is open, beaten in one batched message per {@code beatDelay} for all
 * sessions, and expires once its streams are closed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeepAliveTest {

  @Test
  void anOpenStreamKeepsItsSessionAliveUntilItCloses(Vertx vertx) {
    HeraldNode node = TestNode.start(vertx, Map.of("heartbeat.beatDelay", "200ms", "heartbeat.expireDelay", "700ms",
        "heartbeat.purgeDelay", "100ms"));
    Api api = new Api(vertx, node.port());
    PresenceAddresses addresses = new PresenceAddresses("herald");
    List<JsonObject> beatMessages = new CopyOnWriteArrayList<>();
    long watching = System.currentTimeMillis();
    vertx.eventBus().addOutboundInterceptor(dc -> {
      if (dc.message().address().equals(addresses.beat()) && dc.message().body() instanceof JsonObject o) {
        beatMessages.add(o.copy());
      }
      dc.next();
    });
    List<JsonObject> disconnects = new CopyOnWriteArrayList<>();
    TestNode.await(vertx.eventBus().<JsonObject>consumer(addresses.event(PresenceEvent.Type.DISCONNECT),
        m -> disconnects.add(m.body())).completion());

    List<String> cookies = List.of(PresenceApiTest.startNew(api, null), PresenceApiTest.startNew(api, null),
        PresenceApiTest.startNew(api, null));
    List<String> ids = cookies.stream().map(c -> PresenceApiTest.idOf(c)).toList();
    List<SseTestClient> streams = List.of(
        Streams.live(vertx, node.port(), "/v1/stream?channel=ka-1", Map.of("Cookie", cookies.get(0))),
        Streams.live(vertx, node.port(), "/v1/stream?channel=ka-2", Map.of("Cookie", cookies.get(0))),
        Streams.live(vertx, node.port(), "/v1/stream?channel=ka-1", Map.of("Cookie", cookies.get(1))),
        Streams.live(vertx, node.port(), "/v1/stream?channel=ka-3", Map.of("Cookie", cookies.get(2))));

    // no beats: for more than three expiry delays every session stays connected
    long until = System.currentTimeMillis() + 2_500;
    while (System.currentTimeMillis() < until) {
      for (String id : ids) {
        assertEquals(200, api.get("/v1/sessions/" + id).statusCode(), "session " + id + " expired");
      }
      tick(vertx, 100);
    }
    assertTrue(disconnects.isEmpty(), disconnects.toString());
    assertTrue(beatMessages.size() >= 5, "batched beats: " + beatMessages);
    for (JsonObject m : beatMessages) {
      assertNull(m.getValue("sessionId"), "a beat per stream: " + m);
    }
    JsonArray last = beatMessages.get(beatMessages.size() - 1).getJsonArray("sessionIds");
    assertEquals(Set.copyOf(ids), Set.copyOf(last.getList()), "one message beats every session");
    // timers are never early: at most one batch per beatDelay, plus one first batch per newly seen session
    long ticks = (System.currentTimeMillis() - watching) / 200 + 1;
    assertTrue(beatMessages.size() <= ticks + ids.size(), beatMessages.size() + " beat messages in " + ticks
        + " beat delays");

    // the second session's only stream closes: it expires; the first keeps one stream open and lives
    Streams.close(streams.get(2));
    Streams.close(streams.get(0));
    GapTest.waitUntil(vertx, () -> api.get("/v1/sessions/" + ids.get(1)).statusCode() == 404);
    assertEquals(200, api.get("/v1/sessions/" + ids.get(0)).statusCode());
    GapTest.waitUntil(vertx, () -> disconnects.stream().anyMatch(d -> ids.get(1).equals(d.getString("sessionId"))));
    JsonObject d = disconnects.stream().filter(x -> ids.get(1).equals(x.getString("sessionId"))).findFirst()
        .orElseThrow();
    assertEquals("timeout", d.getString("reason"));
    Streams.close(streams.get(1));
    Streams.close(streams.get(3));
    GapTest.waitUntil(vertx, () -> api.get("/v1/sessions/" + ids.get(0)).statusCode() == 404
        && api.get("/v1/sessions/" + ids.get(2)).statusCode() == 404);
    api.close();
    TestNode.await(node.stop());
  }

  private static void tick(Vertx vertx, long ms) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(ms, t -> p.complete());
    TestNode.await(p.future());
  }
}
