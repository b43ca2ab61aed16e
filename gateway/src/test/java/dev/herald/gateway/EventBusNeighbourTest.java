package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.heartbeat.api.PresenceEvent;
import dev.herald.heartbeat.api.Session;
import dev.herald.heartbeat.api.SessionPage;
import dev.herald.replay.api.HistoryAddresses;
import dev.herald.replay.api.HistoryClient;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.PublishResult;
import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * docs/event-bus.md: a plain verticle beside Herald in the same Vert.x uses it through the event bus alone —
 * it publishes (typed client and raw message), hears presence events and lists sessions — and what
 * it publishes reaches browsers on an HTTP SSE stream.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventBusNeighbourTest {

  /** A neighbour: knows nothing of Herald's classes but its api packages and addresses. */
  static final class Neighbour extends VerticleBase {
    final List<PresenceEvent> connects = new CopyOnWriteArrayList<>();
    HistoryClient history;
    PresenceClient presence;

    @Override
    public Future<?> start() {
      history = new HistoryClient(vertx.eventBus(), HistoryAddresses.DEFAULT, 5_000);
      presence = new PresenceClient(vertx.eventBus(), PresenceAddresses.DEFAULT, 5_000);
      return presence.on(PresenceEvent.Type.CONNECT, connects::add).completion();
    }

    /** Runs {@code work} on this verticle's context. */
    <T> Future<T> onContext(java.util.function.Supplier<Future<T>> work) {
      Promise<T> p = Promise.promise();
      context.runOnContext(v -> work.get().onComplete(p));
      return p.future();
    }
  }

  @Test
  void aNeighbourVerticleUsesHeraldThroughTheBusAlone(Vertx vertx) {
    HeraldNode node = TestNode.start(vertx, Map.of());
    Api api = new Api(vertx, node.port());
    Neighbour n = new Neighbour();
    TestNode.await(vertx.deployVerticle(n));
    String ch = "neighbour-news";
    SseTestClient browser = Streams.live(vertx, node.port(), "/v1/stream?channel=" + ch);

    PublishResult typed = TestNode.await(n.onContext(() -> n.history.publish(
        new PublishRequest(ch, "headline", "{\"title\":\"from the bus\",\"n\":1.0}", null))));
    JsonObject raw = TestNode.await(n.onContext(() -> vertx.eventBus().<JsonObject>request("herald.publish",
        new JsonObject().put("channel", ch).put("event", "raw").put("data", new JsonObject().put("x", 1)))
        .map(m -> m.body())));
    List<SseEvent> events = Streams.events(browser, 2);
    assertEquals(new SseEvent("headline", "{\"title\":\"from the bus\",\"n\":1.0}", typed.id(), typed.id()),
        events.get(0));
    assertEquals(new SseEvent("raw", "{\"x\":1}", raw.getString("id"), raw.getString("id")), events.get(1));

    // a browser's session, seen by the neighbour through presence events and the session list
    String cookie = PresenceApiTest.startNew(api, null);
    String id = PresenceApiTest.idOf(cookie);
    GapTest.waitUntil(vertx, () -> n.connects.stream().anyMatch(e -> id.equals(e.session().sessionId())));
    SessionPage page = TestNode.await(n.onContext(() -> n.presence.list(null, 1000)));
    assertTrue(page.sessions().stream().anyMatch(s -> id.equals(s.sessionId())), page.toString());
    Session one = TestNode.await(n.onContext(() -> n.presence.get(id)));
    assertEquals(id, one.sessionId());

    // and the neighbour's own session is visible over HTTP
    String own = TestNode.await(n.onContext(() -> n.presence.start(null, "backend-user", new JsonObject()
        .put("role", "worker")))).session().sessionId();
    JsonObject overHttp = api.get("/v1/sessions/" + own).bodyAsJsonObject();
    assertEquals("backend-user", overHttp.getString("userId"));
    assertEquals("worker", overHttp.getJsonObject("meta").getString("role"));

    Streams.close(browser);
    api.post("/v1/heartbeat/stop", null, "Cookie", cookie);
    api.close();
    TestNode.await(node.stop());
  }
}
