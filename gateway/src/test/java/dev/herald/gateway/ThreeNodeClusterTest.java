package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.heartbeat.api.PresenceEvent;
import dev.herald.replay.api.Cursor;
import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three clustered nodes in one JVM on one Redis (G1, G3 of docs/guarantees.md across nodes): events published on one
 * node reach streams on the others; a session purged by every node at once gets one disconnect that
 * every node hears once; and per-channel order holds at a third node while two others publish to the
 * channel at the same time.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ThreeNodeClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static ClusterNodes cluster;

  @BeforeAll
  static void startCluster() {
    // Sessions expire 2 s after their last beat; the timers purge rarely, so the test's purges race.
    cluster = ClusterNodes.startWithRedis(3, Map.of("heartbeat.beatDelay", "1s", "heartbeat.expireDelay", "2s",
        "heartbeat.purgeDelay", "1h"));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyNodeIsReadyAndSeesThreeMembers() {
    for (ClusterNodes.Node n : cluster.nodes()) {
      ClusterNodes.waitFor(() -> n.api().get("/health/ready").statusCode() == 200, "node ready");
      JsonObject ready = n.api().get("/health/ready").bodyAsJsonObject();
      JsonObject check = ready.getJsonArray("checks").getJsonObject(0);
      assertEquals("cluster", check.getString("name"));
      assertEquals("joined cluster with 3 members", check.getString("detail"), ready::encode);
      assertEquals(3, n.api().get("/v1/stats").bodyAsJsonObject().getInteger("members"));
    }
  }

  @Test
  void anEventPublishedOnOneNodeReachesStreamsOnTheOthersLive() {
    String ch = "cluster-fanout";
    ClusterNodes.Node a = cluster.get(0);
    SseTestClient onB = Streams.live(a.vertx(), cluster.get(1).port(), "/v1/stream?channel=" + ch);
    SseTestClient onC = Streams.live(a.vertx(), cluster.get(2).port(), "/v1/stream?channel=" + ch);
    try {
      List<String> ids = new ArrayList<>();
      ids.add(a.api().publish(ch, "n", "1"));
      // The first event reached both: their streams are live; the rest can only come over the bus.
      ClusterNodes.await(onB.awaitEvents(1, WAIT));
      ClusterNodes.await(onC.awaitEvents(1, WAIT));
      for (int i = 2; i <= 20; i++) {
        ids.add(a.api().publish(ch, "n", String.valueOf(i)));
      }
      for (SseTestClient c : List.of(onB, onC)) {
        List<SseEvent> got = ClusterNodes.await(c.awaitEvents(20, WAIT));
        assertEquals(ids, got.stream().map(SseEvent::id).toList());
        for (int i = 0; i < 20; i++) {
          assertEquals(String.valueOf(i + 1), got.get(i).data());
        }
        assertFalse(c.isEnded());
      }
    } finally {
      Streams.close(onB);
      Streams.close(onC);
    }
  }

  @Test
  void aSessionPurgedByEveryNodeAtOnceGetsExactlyOneDisconnect() {
    int sessions = 20;
    List<List<PresenceEvent>> heard = new ArrayList<>();
    List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
    for (ClusterNodes.Node n : cluster.nodes()) {
      List<PresenceEvent> events = new CopyOnWriteArrayList<>();
      heard.add(events);
      PresenceClient client = new PresenceClient(n.vertx().eventBus(), new PresenceAddresses(cluster.prefix()), 5_000);
      MessageConsumer<JsonObject> c = client.on(PresenceEvent.Type.DISCONNECT, events::add);
      consumers.add(c);
      ClusterNodes.await(c.completion());
    }
    try {
      ClusterNodes.Node a = cluster.get(0);
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < sessions; i++) {
        Reply r = a.api().post("/v1/heartbeat/start", "{}", "Content-Type", "application/json");
        assertEquals(200, r.statusCode(), r::bodyAsString);
        ids.add(r.bodyAsJsonObject().getString("sessionId"));
      }
      // Wait until every session is past expireDelay (2 s), then purge on all three nodes at once.
      ClusterNodes.await(a.vertx().timer(2_500, TimeUnit.MILLISECONDS));
      List<Future<Integer>> purges = new ArrayList<>();
      List<WebClient> clients = new ArrayList<>();
      for (ClusterNodes.Node n : cluster.nodes()) {
        WebClient w = WebClient.create(n.vertx());
        clients.add(w);
        purges.add(w.post(n.port(), "127.0.0.1", "/v1/sessions/purge").sendBuffer(Buffer.buffer())
            .map(r -> r.bodyAsJsonObject().getInteger("disconnected")));
      }
      ClusterNodes.await(Future.all(purges));
      clients.forEach(WebClient::close);
      int total = purges.stream().mapToInt(Future::result).sum();
      assertEquals(sessions, total, "disconnected per node: " + purges.stream().map(Future::result).toList());
      // A marker session stopped after the purge: once every node heard its disconnect, it heard the purge's.
      String marker = PresenceApiTest.startNew(a.api(), "{}");
      String markerId = PresenceApiTest.idOf(marker);
      assertEquals(204, a.api().post("/v1/heartbeat/stop", null, "Cookie", marker).statusCode());
      for (int i = 0; i < heard.size(); i++) {
        List<PresenceEvent> events = heard.get(i);
        ClusterNodes.waitFor(() -> events.stream().anyMatch(e -> e.session().sessionId().equals(markerId)),
            "node " + i + " to hear the marker's disconnect");
        List<String> purged = events.stream().map(e -> e.session().sessionId()).filter(ids::contains).toList();
        assertEquals(sessions, purged.size(), "node " + i + " heard each disconnect once: " + purged);
        assertEquals(ids, new HashSet<>(purged));
        assertTrue(events.stream().filter(e -> ids.contains(e.session().sessionId()))
            .allMatch(e -> PresenceEvent.REASON_TIMEOUT.equals(e.reason())));
      }
      for (ClusterNodes.Node n : cluster.nodes()) {
        assertEquals(0, n.api().post("/v1/sessions/purge", null).bodyAsJsonObject().getInteger("disconnected"));
      }
    } finally {
      consumers.forEach(c -> ClusterNodes.await(c.unregister()));
    }
  }

  @Test
  void orderHoldsAtAThirdNodeWhileTwoNodesPublishToOneChannel() {
    String ch = "cluster-order";
    int perPublisher = 100;
    ClusterNodes.Node a = cluster.get(0);
    ClusterNodes.Node b = cluster.get(1);
    ClusterNodes.Node c = cluster.get(2);
    SseTestClient sub = Streams.live(c.vertx(), c.port(), "/v1/stream?channel=" + ch + "&lastEventId=earliest");
    try {
      Future<List<String>> fromA = publishSequentially(a, ch, "a", perPublisher);
      Future<List<String>> fromB = publishSequentially(b, ch, "b", perPublisher);
      ClusterNodes.await(Future.all(fromA, fromB));
      List<SseEvent> got = ClusterNodes.await(sub.awaitEvents(2 * perPublisher, WAIT));
      assertEquals(2 * perPublisher, got.size());
      for (int i = 0; i < got.size(); i++) {
        assertEquals(i + 1, Cursor.decode(got.get(i).id()).positions().get(0).seq(), "sequence " + (i + 1));
      }
      JsonArray history = a.api().history(ch).getJsonArray("events");
      List<String> historyIds = new ArrayList<>();
      history.forEach(o -> historyIds.add(((JsonObject) o).getString("id")));
      assertEquals(historyIds, got.stream().map(SseEvent::id).toList());
      Set<String> acknowledged = new HashSet<>(fromA.result());
      acknowledged.addAll(fromB.result());
      assertEquals(acknowledged, new HashSet<>(historyIds));
      for (String who : List.of("a", "b")) {
        List<Integer> seen = got.stream().map(e -> new JsonObject(e.data())).filter(o -> who.equals(o.getString("by")))
            .map(o -> o.getInteger("n")).toList();
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= perPublisher; i++) {
          expected.add(i);
        }
        assertEquals(expected, seen, "publisher " + who + "'s events in its order");
      }
      assertFalse(sub.isEnded(), "the stream stayed open: no hole was left unfilled");
    } finally {
      Streams.close(sub);
    }
  }

  /** Publishes {@code {"by", "n"}} for n = 1..count through {@code node}'s HTTP API, one after another. */
  private static Future<List<String>> publishSequentially(ClusterNodes.Node node, String ch, String by, int count) {
    WebClient w = WebClient.create(node.vertx());
    List<String> ids = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 1; i <= count; i++) {
      JsonObject body = new JsonObject().put("event", "n").put("data", new JsonObject().put("by", by).put("n", i));
      chain = chain.compose(v -> w.post(node.port(), "127.0.0.1", "/v1/channels/" + ch + "/events")
          .putHeader("Content-Type", "application/json").sendJsonObject(body).compose(r -> {
            if (r.statusCode() != 201) {
              return Future.failedFuture("publish answered " + r.statusCode() + ": " + r.bodyAsString());
            }
            ids.add(r.bodyAsJsonObject().getString("id"));
            return Future.succeededFuture();
          }));
    }
    return chain.map(v -> ids).andThen(x -> w.close());
  }
}
