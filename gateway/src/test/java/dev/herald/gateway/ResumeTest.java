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
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
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
  void anIdFromBeforeAChannelsFirstEventStillCoversThatChannel() {
    String a = "g1-head-a";
    String b = "g1-head-b";
    it.api().publish(a, null, "0"); // history before the stream: never part of it
    String uri = "/v1/stream?channel=" + a + "&channel=" + b + "&envelope=1";
    SseTestClient first = live(uri, null);
    it.api().publish(a, null, "1");
    it.api().publish(b, null, "2");
    it.api().publish(a, null, "3");
    List<SseEvent> seen = Streams.events(first, 3);
    Streams.close(first);
    // the client kept only a:1 (the connection died right after it): its id must cover b as well
    SseTestClient second = live(uri, seen.get(0).id());
    List<SseEvent> again = Streams.events(second, 2);
    assertEquals(Map.of(a, List.of(3), b, List.of(2)), byChannel(again));
    it.api().publish(b, null, "4");
    assertEquals(Map.of(b, List.of(4)), byChannel(Streams.events(second, 3).subList(2, 3)));
    Streams.close(second);
  }

  /**
   * Random publishes on several channels, a client that keeps a random prefix of what each connection
   * brought (as if the connection died right after that frame) and resumes from the last id it kept,
   * while more is published in between: per channel, exactly what was published from the first stream on.
   */
  @Test
  void randomResumesOverSeveralChannelsLoseAndRepeatNothing() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String run = "g1-rnd-" + Long.toHexString(seed);
    List<String> channels = List.of(run + "-a", run + "-b", run + "-c", run + "-d");
    String uri = "/v1/stream?envelope=1" + String.join("", channels.stream().map(c -> "&channel=" + c).toList());
    it.api().publish(channels.get(1), null, "-1"); // history from before the stream: never part of it
    Map<String, List<Integer>> published = new HashMap<>();
    Map<String, List<Integer>> kept = new HashMap<>();
    int[] next = {0};
    IntConsumer publishSome = atLeast -> {
      for (int k = atLeast + random.nextInt(4); k > 0; k--) {
        String ch = channels.get(random.nextInt(random.nextBoolean() ? 2 : channels.size()));
        int data = next[0]++;
        it.api().publish(ch, null, Integer.toString(data));
        published.computeIfAbsent(ch, x -> new ArrayList<>()).add(data);
      }
    };
    String resumeFrom = null;
    for (int round = 0; round < 12; round++) {
      SseTestClient c = live(uri, resumeFrom);
      publishSome.accept(round == 0 ? 1 : 0);
      int owed = count(published) - count(kept);
      List<SseEvent> got = owed == 0 ? List.of() : Streams.events(c, owed);
      int keep = round == 0 ? 1 + random.nextInt(got.size()) : random.nextInt(got.size() + 1);
      keepAll(kept, got.subList(0, keep));
      if (keep > 0) {
        resumeFrom = got.get(keep - 1).id();
      }
      Streams.close(c);
      publishSome.accept(0); // while nobody is connected
    }
    SseTestClient last = live(uri, resumeFrom);
    int owed = count(published) - count(kept);
    keepAll(kept, owed == 0 ? List.of() : Streams.events(last, owed));
    Streams.close(last);
    for (String ch : channels) {
      assertEquals(published.getOrDefault(ch, List.of()), kept.getOrDefault(ch, List.of()), ch + ", seed " + seed);
    }
  }

  private static int count(Map<String, List<Integer>> perChannel) {
    return perChannel.values().stream().mapToInt(List::size).sum();
  }

  private static void keepAll(Map<String, List<Integer>> kept, List<SseEvent> events) {
    byChannel(events).forEach((ch, data) -> kept.computeIfAbsent(ch, x -> new ArrayList<>()).addAll(data));
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
