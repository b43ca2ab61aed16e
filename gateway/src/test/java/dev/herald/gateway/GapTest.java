package dev.herald.gateway;

import dev.herald.testkit.Poll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * G2: when missed events are gone, the stream says so with {@code herald.gap} first, then goes on.
 * {@link RedisGapTest} runs the same tests on the Redis store.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GapTest {

  private static SseEvent gap(String channel, String reason) {
    return new SseEvent("herald.gap", new JsonObject().put("channel", channel).put("reason", reason).encode(), null, "");
  }

  private static void assertGap(String channel, String reason, SseEvent e) {
    assertEquals("herald.gap", e.type(), e.toString());
    assertEquals(new JsonObject(gap(channel, reason).data()), new JsonObject(e.data()));
  }

  @Test
  void trimmedThenTheRetainedEventsThenLive(Vertx vertx) {
    HeraldNode node = node(vertx, Map.of("history.maxEvents", 5));
    Api api = new Api(vertx, node.port());
    String ch = "g2-trim";
    String first = api.publish(ch, null, "0");
    for (int i = 1; i <= 7; i++) {
      api.publish(ch, null, Integer.toString(i));
    }
    SseTestClient c = Streams.live(vertx, node.port(), "/v1/stream?channel=" + ch, Map.of("Last-Event-ID", first));
    // the replay first (publishing "8" before the stream read the history would trim "3" away)
    Streams.events(c, 6);
    api.publish(ch, null, "8");
    List<SseEvent> events = Streams.events(c, 7);
    assertGap(ch, "trimmed", events.get(0));
    assertEquals(List.of("3", "4", "5", "6", "7", "8"), events.subList(1, 7).stream().map(SseEvent::data).toList());

    SseTestClient bad = Streams.live(vertx, node.port(), "/v1/stream?channel=" + ch, Map.of("Last-Event-ID", "garbage"));
    String live = api.publish(ch, null, "9");
    List<SseEvent> badEvents = Streams.events(bad, 2);
    assertGap(ch, "invalid-cursor", badEvents.get(0));
    assertEquals(new SseEvent("message", "9", live, live), badEvents.get(1));
    TestNode.await(c.awaitEvent(e -> live.equals(e.id()), Streams.WAIT));
    assertEquals(2, bad.events().size());
    Streams.close(c);
    Streams.close(bad);
    api.close();
    TestNode.await(node.stop());
  }

  @Test
  void expiredByAgeThenLive(Vertx vertx) {
    HeraldNode node = node(vertx, Map.of("history.maxAge", "3s"));
    Api api = new Api(vertx, node.port());
    String ch = "g2-age";
    String first = api.publish(ch, null, "0");
    api.publish(ch, null, "1");
    waitUntil(vertx, () -> api.history(ch).getJsonArray("events").isEmpty());
    String kept = api.publish(ch, null, "2");
    SseTestClient c = Streams.live(vertx, node.port(), "/v1/stream?channel=" + ch + "&lastEventId=" + first, Map.of());
    List<SseEvent> events = Streams.events(c, 2);
    assertGap(ch, "expired", events.get(0));
    assertEquals(new SseEvent("message", "2", kept, kept), events.get(1));
    Streams.close(c);
    api.close();
    TestNode.await(node.stop());
  }

  @Test
  void aStoreThatLostTheChannelIsAReset(Vertx vertx) {
    HeraldNode before = node(vertx, Map.of());
    Api api = new Api(vertx, before.port());
    String ch = "g2-reset";
    String old = api.publish(ch, null, "0");
    api.close();
    TestNode.await(before.stop());
    loseTheStore();
    HeraldNode after = node(vertx, Map.of());
    api = new Api(vertx, after.port());
    String fresh = api.publish(ch, null, "1");
    SseTestClient c = Streams.live(vertx, after.port(), "/v1/stream?channel=" + ch, Map.of("Last-Event-ID", old));
    List<SseEvent> events = Streams.events(c, 2);
    assertGap(ch, "reset", events.get(0));
    assertEquals(new SseEvent("message", "1", fresh, fresh), events.get(1));
    Streams.close(c);
    api.close();
    TestNode.await(after.stop());
  }

  /** Starts the node under test; a store variant overrides it to put its store under the node. */
  HeraldNode node(Vertx vertx, Map<String, ?> overrides) {
    return TestNode.start(vertx, overrides);
  }

  /** Makes the store lose everything between two nodes: nothing to do in memory, where a new node starts empty. */
  void loseTheStore() {
  }

  /** Polls {@code condition} from the test thread until it holds, for at most 20 s. */
  static void waitUntil(Vertx vertx, java.util.function.BooleanSupplier condition) {
    Poll.await("the condition", java.time.Duration.ofSeconds(20), condition::getAsBoolean);
  }

}
