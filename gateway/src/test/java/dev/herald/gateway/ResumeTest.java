package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * G1: joined across reconnects that carry the last id seen, a stream gets every event once, in order.
 * {@link RedisResumeTest} runs the same tests on the Redis store.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ResumeTest {
  /** The node under test (set by {@code start}, which a store variant hides with its own). */
  static TestNode.Running it;

  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, Map.of("history.maxEvents", 1000));
  }

  @AfterAll
  static void stop() {
    it.stop();
  }

  private static SseTestClient live(String uri, String lastEventId) {
    return Streams.live(it.vertx(), it.node().port(), uri, lastEventId == null ? Map.of() : Map.of("Last-Event-ID", lastEventId));
  }

  @Test
  void aSingleChannelResumesAfterTheIdExactly() {
    String ch = "g1-single";
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(it.api().publish(ch, null, Integer.toString(i)));
    }
    SseTestClient c = live("/v1/stream?channel=" + ch, ids.get(1));
    String live = it.api().publish(ch, null, "5");
    List<SseEvent> events = Streams.events(c, 4);
    assertEquals(List.of(ids.get(2), ids.get(3), ids.get(4), live), events.stream().map(SseEvent::id).toList());
    assertEquals(List.of("2", "3", "4", "5"), events.stream().map(SseEvent::data).toList());
    Streams.close(c);
  }

  @Test
  void aMultiChannelCursorResumesEveryChannel() {
    String uri = "/v1/stream?channel=g1-a&channel=g1-b&envelope=1";
    SseTestClient first = live(uri, null);
    it.api().publish("g1-a", null, "1");
    it.api().publish("g1-b", null, "1");
    it.api().publish("g1-a", null, "2");
    List<SseEvent> seen = new ArrayList<>(Streams.events(first, 3));
    String cursor = first.lastEventId();
    Streams.close(first);
    it.api().publish("g1-b", null, "2");
    it.api().publish("g1-a", null, "3");
    it.api().publish("g1-b", null, "3");
    SseTestClient second = live(uri, cursor);
    it.api().publish("g1-a", null, "4");
    seen.addAll(Streams.events(second, 4));
    Map<String, List<Integer>> byChannel = byChannel(seen);
    assertEquals(List.of(1, 2, 3, 4), byChannel.get("g1-a"));
    assertEquals(List.of(1, 2, 3), byChannel.get("g1-b"));
    // the same cursor for a changed channel set: g1-a resumes, g1-c (not covered) starts live
    SseTestClient changed = live("/v1/stream?channel=g1-a&channel=g1-c&envelope=1", cursor);
    it.api().publish("g1-c", null, "1");
    List<SseEvent> more = Streams.events(changed, 3);
    assertEquals(Map.of("g1-a", List.of(3, 4), "g1-c", List.of(1)), byChannel(more));
    Streams.close(second);
    Streams.close(changed);
  }

  @Test
  void reconnectsWhilePublishingContinuesMissNothingAndRepeatNothing() {
    List<String> channels = List.of("g1-run-a", "g1-run-b", "g1-run-c");
    int perChannel = 25;
    String uri = "/v1/stream?channel=g1-run-a&channel=g1-run-b&channel=g1-run-c&envelope=1";
    WebClient web = WebClient.create(it.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(it.node().port()));
    SseTestClient c = live(uri + "&lastEventId=earliest", null);
    Future<Void> publishing = publish(web, channels, perChannel);
    List<SseEvent> seen = new ArrayList<>();
    for (int round = 0; round < 6; round++) {
      List<SseEvent> got = Streams.events(c, 6);
      seen.addAll(got);
      // resume after the last event recorded, not c.lastEventId(): more may have arrived meanwhile
      String last = got.get(got.size() - 1).lastEventId();
      Streams.close(c);
      c = live(uri, last);
    }
    TestNode.await(publishing);
    int total = channels.size() * perChannel;
    seen.addAll(Streams.events(c, total - seen.size()));
    Map<String, List<Integer>> byChannel = byChannel(seen);
    List<Integer> expected = IntStream.range(0, perChannel).boxed().toList();
    for (String ch : channels) {
      assertEquals(expected, byChannel.get(ch), ch);
    }
    assertEquals(total, seen.size());
    Streams.close(c);
    web.close();
  }

  /** Publishes {@code perChannel} events to each channel, round robin, one after another, data = the index. */
  private static Future<Void> publish(WebClient web, List<String> channels, int perChannel) {
    Promise<Void> done = Promise.promise();
    int[] next = {0};
    Runnable[] step = new Runnable[1];
    step[0] = () -> {
      int i = next[0]++;
      if (i == channels.size() * perChannel) {
        done.complete();
        return;
      }
      String ch = channels.get(i % channels.size());
      web.post("/v1/channels/" + ch + "/events").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{\"data\":" + i / channels.size() + "}"))
          .onSuccess(r -> {
            if (r.statusCode() != 201) {
              done.fail("publish answered " + r.statusCode() + ": " + r.bodyAsString());
            } else {
              it.vertx().setTimer(5, t -> step[0].run());
            }
          }).onFailure(done::fail);
    };
    it.vertx().runOnContext(v -> step[0].run());
    return done.future();
  }

  private static Map<String, List<Integer>> byChannel(List<SseEvent> events) {
    Map<String, List<Integer>> out = new HashMap<>();
    for (SseEvent e : events) {
      assertTrue(e.hasId(), e.toString());
      JsonObject o = new JsonObject(e.data());
      out.computeIfAbsent(o.getString("channel"), k -> new ArrayList<>()).add(o.getInteger("data"));
    }
    return out;
  }
}
