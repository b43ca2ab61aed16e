package dev.herald.gateway;

import static dev.herald.gateway.Api.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.sse.api.SseAddresses;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stream opens and closes on the bus ({@code herald.sse.connect|disconnect}): every stream that
 * opened closes exactly once, whether its client leaves or the node stops; {@code sse.maxStreams}
 * bounds a node's streams.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamLifecycleTest {

  @Test
  void everyStreamThatOpensClosesOnce(Vertx vertx) {
    SseAddresses addresses = new SseAddresses("herald");
    Map<String, JsonObject> opened = new ConcurrentHashMap<>();
    Map<String, List<String>> closed = new ConcurrentHashMap<>();
    TestNode.await(vertx.eventBus().<JsonObject>consumer(addresses.connect(),
        m -> opened.put(m.body().getString("streamId"), m.body())).completion());
    TestNode.await(vertx.eventBus().<JsonObject>consumer(addresses.disconnect(), m -> closed
        .computeIfAbsent(m.body().getString("streamId"), k -> new ArrayList<>()).add(m.body().getString("reason")))
        .completion());
    HeraldNode node = TestNode.start(vertx, Map.of("sse.maxStreams", 6));
    Api api = new Api(vertx, node.port());
    OpsTest.readyUntil(vertx, api, 200); // the canary holds one stream

    List<SseTestClient> clients = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      clients.add(Streams.live(vertx, node.port(), "/v1/stream?channel=life-" + i));
    }
    assertProblem(api.get("/v1/stream?channel=life-x"), 503, "too-many-streams");
    GapTest.waitUntil(vertx, () -> opened.values().stream()
        .filter(o -> o.getJsonArray("channels").getString(0).startsWith("life-")).count() == 5);
    Streams.close(clients.get(0));
    Streams.close(clients.get(1));
    GapTest.waitUntil(vertx, () -> closed.size() == 2);
    closed.values().forEach(reasons -> assertEquals(List.of("client"), reasons));
    SseTestClient again = Streams.live(vertx, node.port(), "/v1/stream?channel=life-again");

    TestNode.await(node.stop());
    GapTest.waitUntil(vertx, () -> closed.keySet().containsAll(opened.keySet()));
    assertEquals(7, opened.size(), "five streams, one more, and the canary: " + opened.keySet());
    for (String id : opened.keySet()) {
      assertEquals(1, closed.get(id).size(), id + " closed " + closed.get(id));
    }
    assertEquals(opened.keySet(), closed.keySet());
    TestNode.await(again.awaitEnd(Streams.WAIT));
    clients.forEach(Streams::close);
    api.close();
  }
}
