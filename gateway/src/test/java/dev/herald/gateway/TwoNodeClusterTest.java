package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.heartbeat.api.PresenceEvent;
import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two clustered nodes in one JVM on one Redis: presence started on one node is seen once by a
 * consumer on the other; and a third node that joins and then drains sends its streams elsewhere
 * with a short {@code retry:}, refuses new ones, keeps its sessions, and leaves without the others'
 * readiness ever turning red.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TwoNodeClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static ClusterNodes cluster;

  @BeforeAll
  static void startCluster() {
    cluster = ClusterNodes.startWithRedis(2, Map.of("cluster.drainWindow", "2s"));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aConnectOnOneNodeIsHeardOnceOnTheOther() {
    ClusterNodes.Node a = cluster.get(0);
    ClusterNodes.Node b = cluster.get(1);
    PresenceClient onB = new PresenceClient(b.vertx().eventBus(), new PresenceAddresses(cluster.prefix()), 5_000);
    List<PresenceEvent> connects = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer = onB.on(PresenceEvent.Type.CONNECT, connects::add);
    ClusterNodes.await(consumer.completion());
    try {
      String first = start(a);
      String second = start(a);
      ClusterNodes.waitFor(() -> connects.stream().anyMatch(e -> e.session().sessionId().equals(second)),
          "the second connect to reach node B");
      for (String id : List.of(first, second)) {
        assertEquals(1, connects.stream().filter(e -> e.session().sessionId().equals(id)).count(), connects::toString);
      }
      // The session is the cluster's: node B answers for it.
      assertEquals(200, b.api().get("/v1/sessions/" + first).statusCode());
    } finally {
      ClusterNodes.await(consumer.unregister());
    }
  }

  /**
   * A page going away through one node ({@code stop?leaving=1}): another tab's beat through the other
   * node within {@code heartbeat.leaveGrace} keeps the session (a {@code reconnect}); without it, exactly one
   * {@code disconnect} follows the grace, heard on both nodes.
   */
  @Test
  void aLeaveOnOneNodeIsCancelledByABeatOnTheOtherOrEndsOnce() {
    ClusterNodes.Node a = cluster.get(0);
    ClusterNodes.Node b = cluster.get(1);
    PresenceClient onB = new PresenceClient(b.vertx().eventBus(), new PresenceAddresses(cluster.prefix()), 5_000);
    List<PresenceEvent> seen = new CopyOnWriteArrayList<>();
    List<MessageConsumer<JsonObject>> consumers = List.of(onB.on(PresenceEvent.Type.RECONNECT, seen::add),
        onB.on(PresenceEvent.Type.DISCONNECT, seen::add));
    consumers.forEach(c -> ClusterNodes.await(c.completion()));
    try {
      Reply kept = a.api().post("/v1/heartbeat/start", "{}", "Content-Type", "application/json");
      Reply gone = a.api().post("/v1/heartbeat/start", "{}", "Content-Type", "application/json");
      String keptCookie = kept.getHeader("Set-Cookie").split(";")[0];
      String goneCookie = gone.getHeader("Set-Cookie").split(";")[0];
      String keptId = kept.bodyAsJsonObject().getString("sessionId");
      String goneId = gone.bodyAsJsonObject().getString("sessionId");
      for (String cookie : List.of(keptCookie, goneCookie)) {
        assertEquals(204, a.api().post("/v1/heartbeat/stop?leaving=1", "", "Content-Type", "text/plain",
            "Cookie", cookie).statusCode());
      }
      assertEquals(204, b.api().post("/v1/heartbeat", null, "Cookie", keptCookie).statusCode());
      ClusterNodes.waitFor(() -> seen.stream().anyMatch(e -> e.session().sessionId().equals(goneId)),
          "the disconnect of the session whose page went away");
      ClusterNodes.await(b.vertx().timer(1000)); // a second disconnect would come now
      List<String> events = seen.stream().map(e -> (e.session().sessionId().equals(keptId) ? "kept " : "gone ")
          + e.type().wire() + (e.reason() == null ? "" : ":" + e.reason())).sorted().toList();
      assertEquals(List.of("gone disconnect:stop", "kept reconnect"), events);
    } finally {
      consumers.forEach(c -> ClusterNodes.await(c.unregister()));
    }
  }

  /** G1 across nodes: the id of an event of one channel covers the stream's other channels from its start. */
  @Test
  void anIdFromBeforeAChannelsFirstEventCoversItOnTheOtherNode() {
    ClusterNodes.Node a = cluster.get(0);
    ClusterNodes.Node b = cluster.get(1);
    String x = "g1-nodes-" + System.nanoTime() + "-a";
    String y = x.replace("-a", "-b");
    b.api().publish(x, null, "0"); // history from before the stream
    String uri = "/v1/stream?channel=" + x + "&channel=" + y + "&envelope=1";
    SseTestClient first = Streams.live(a.vertx(), a.port(), uri);
    b.api().publish(x, null, "1");
    b.api().publish(y, null, "2");
    b.api().publish(x, null, "3");
    List<SseEvent> seen = Streams.events(first, 3);
    Streams.close(first);
    SseTestClient second = Streams.live(b.vertx(), b.port(), uri, Map.of("Last-Event-ID", seen.get(0).id()));
    List<String> again = Streams.events(second, 2).stream()
        .map(e -> new JsonObject(e.data()).getString("channel") + ":" + new JsonObject(e.data()).getInteger("data"))
        .toList();
    assertEquals(List.of(x + ":3", y + ":2"), again.stream().sorted().toList());
    Streams.close(second);
  }

  @Test
  void requestsGoToTheNodesOwnVerticleFirst() {
    // Round robin would store about half of A's publishes through B's replay verticle (a network hop each,
    // and while B is cut off but not yet noticed, a publish that waits out its timeout).
    ClusterNodes.Node a = cluster.get(0);
    ClusterNodes.Node b = cluster.get(1);
    double onA = published(a);
    double onB = published(b);
    for (int i = 0; i < 20; i++) {
      Reply r = a.api().post("/v1/channels/local-first/events", "{\"data\": " + i + "}", "Content-Type",
          "application/json");
      assertEquals(201, r.statusCode(), r::bodyAsString);
    }
    assertEquals(onA + 20, published(a), "node A's replay verticle stored all 20");
    assertEquals(onB, published(b), "node B's stored none of them");
  }

  private static double published(ClusterNodes.Node n) {
    return n.node().metrics().get("herald.events.published").counter().count();
  }

  @Test
  void aDrainingNodeSendsItsStreamsElsewhereAndTheOthersStayReady() {
    ClusterNodes.Node c = cluster.add();
    List<SseTestClient> streams = new ArrayList<>();
    List<Integer> readiness = new CopyOnWriteArrayList<>();
    ClusterNodes.Node a = cluster.get(0);
    WebClient prober = WebClient.create(a.vertx());
    long timer = -1;
    try {
      for (int i = 0; i < 4; i++) {
        streams.add(Streams.live(a.vertx(), c.port(), "/v1/stream?channel=drain-" + i + "&lastEventId=earliest"));
      }
      String session = start(c);
      ClusterNodes.waitFor(() -> c.api().get("/health/ready").statusCode() == 200, "node C ready");
      // Probe A and B readiness every 100 ms while C drains and leaves.
      timer = a.vertx().setPeriodic(100, id -> {
        for (ClusterNodes.Node n : List.of(cluster.get(0), cluster.get(1))) {
          prober.get(n.port(), "127.0.0.1", "/health/ready").send().onSuccess(r -> readiness.add(r.statusCode()));
        }
      });

      Future<Void> drained = c.node().drain();
      Reply ready = c.api().get("/health/ready");
      assertEquals(503, ready.statusCode(), ready::bodyAsString);
      assertEquals("drain", ready.bodyAsJsonObject().getJsonArray("checks").getJsonObject(0).getString("name"));
      SseTestClient late = Streams.open(a.vertx(), c.port(), "/v1/stream?channel=drain-late", Map.of());
      // turned away the EventSource way (a 503 would stop a browser's EventSource for good)
      assertEquals(200, late.status());
      ClusterNodes.await(late.awaitEnd(WAIT));
      assertEquals(1, late.retries().size(), late::body);
      assertTrue(late.events().isEmpty(), late::body);
      for (SseTestClient s : streams) {
        ClusterNodes.await(s.awaitEnd(WAIT));
        long retry = s.retries().get(s.retries().size() - 1);
        assertTrue(retry >= HeraldNode.DRAIN_RETRY.toMillis() && retry <= 2 * HeraldNode.DRAIN_RETRY.toMillis(),
            "a short retry with jitter: " + retry);
      }
      ClusterNodes.await(drained);
      int before = readiness.size();
      cluster.stop(c);
      for (ClusterNodes.Node n : cluster.nodes()) {
        ClusterNodes.waitFor(() -> n.members() == 2, "the others to see node C leave");
      }
      ClusterNodes.waitFor(() -> readiness.size() >= before + 20, "readiness probes after the leave");
      assertTrue(readiness.stream().allMatch(s -> s == 200), "A and B stayed ready: " + readiness);
      // Sessions live in Redis: C's session is still connected after C left.
      assertEquals(200, a.api().get("/v1/sessions/" + session).statusCode());
    } finally {
      if (timer >= 0) {
        a.vertx().cancelTimer(timer);
      }
      prober.close();
      streams.forEach(SseTestClient::close);
    }
  }

  /** Starts a session through {@code node}'s HTTP API; answers its id. */
  private static String start(ClusterNodes.Node node) {
    Reply r = node.api().post("/v1/heartbeat/start", "{}", "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertEquals("connect", r.bodyAsJsonObject().getString("state"));
    return r.bodyAsJsonObject().getString("sessionId");
  }
}
