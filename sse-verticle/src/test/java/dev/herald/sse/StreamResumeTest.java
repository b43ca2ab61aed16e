package dev.herald.sse;

import static dev.herald.sse.StreamBasicsTest.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.HistoryOptions;
import dev.herald.replay.api.PublishResult;
import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(90)
class StreamResumeTest {
  private static final Duration WAIT = SseHarness.WAIT;

  private static List<String> data(List<SseEvent> events) {
    return events.stream().map(SseEvent::data).toList();
  }

  /** Per channel, the data numbers received (enveloped events). */
  private static Map<String, List<Integer>> perChannel(List<SseEvent> events) {
    return events.stream().filter(e -> e.type().equals("n")).map(e -> new JsonObject(e.data()))
        .collect(Collectors.groupingBy(o -> o.getString("channel"),
            Collectors.mapping(o -> o.getInteger("data"), Collectors.toList())));
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void resumeSingleChannelGetsExactlyTheMissedEventsThenLive(Vertx vertx, VertxTestContext ctx) {
    String ch = "resume-single";
    Future<Object[]> test = SseHarness.start(vertx).compose(h -> h.publishRange(ch, 1, 5)
        .compose(ids -> h.open(1, "/stream?channel=" + ch, Map.of("Last-Event-ID", ids.get(1).id()))
            .compose(c -> c.awaitEvents(3, WAIT)
                .compose(x -> h.publish(ch, "n", "6"))
                .compose(six -> c.awaitEvents(4, WAIT).map(es -> new Object[] {ids, six, es})))));
    check(ctx, test, r -> {
      @SuppressWarnings("unchecked") List<PublishResult> ids = (List<PublishResult>) r[0];
      PublishResult six = (PublishResult) r[1];
      @SuppressWarnings("unchecked") List<SseEvent> es = (List<SseEvent>) r[2];
      assertEquals(List.of("3", "4", "5", "6"), data(es));
      assertEquals(List.of(ids.get(2).id(), ids.get(3).id(), ids.get(4).id(), six.id()),
          es.stream().map(SseEvent::id).toList());
    });
  }

  @Test
  void headerWinsOverQueryAndQueryWorksAlone(Vertx vertx, VertxTestContext ctx) {
    String ch = "resume-query";
    Future<List<List<SseEvent>>> test = SseHarness.start(vertx).compose(h -> h.publishRange(ch, 1, 4)
        .compose(ids -> Future.all(
                h.open(0, "/stream?channel=" + ch + "&lastEventId=" + ids.get(0).id(), Map.of("Last-Event-ID",
                    ids.get(2).id())),
                h.open(1, "/stream?channel=" + ch + "&lastEventId=" + ids.get(1).id(), Map.of()))
            .compose(all -> {
              SseTestClient header = all.resultAt(0);
              SseTestClient query = all.resultAt(1);
              return header.awaitEvents(1, WAIT).compose(a -> query.awaitEvents(2, WAIT)
                  .compose(b -> h.publish(ch, "n", "5"))
                  .compose(x -> Future.all(header.awaitEvents(2, WAIT), query.awaitEvents(3, WAIT)))
                  .map(x -> List.of(header.events(), query.events())));
            })));
    check(ctx, test, r -> {
      assertEquals(List.of("4", "5"), data(r.get(0)));
      assertEquals(List.of("3", "4", "5"), data(r.get(1)));
    });
  }

  @Test
  void multiChannelCursorResumesEveryChannel(Vertx vertx, VertxTestContext ctx) {
    String uri = "/stream?channel=resume-ma&channel=resume-mb&envelope=1";
    Future<Object[]> test = SseHarness.start(vertx).compose(h -> h.open(uri)
        .compose(first -> h.publishRange("resume-ma", 1, 2)
            .compose(x -> h.publishRange("resume-mb", 1, 3))
            .compose(x -> first.awaitEvents(5, WAIT))
            .compose(x -> first.close().map(first.lastEventId())))
        .compose(lastId -> h.publishRange("resume-ma", 3, 4)
            .compose(x -> h.publishRange("resume-mb", 4, 4))
            .compose(x -> h.open(1, uri, Map.of("Last-Event-ID", lastId)))
            .compose(second -> second.awaitEvents(3, WAIT)
                .compose(x -> h.publishRange("resume-mb", 5, 5))
                .compose(x -> second.awaitEvents(4, WAIT))
                .map(x -> new Object[] {lastId, second}))));
    check(ctx, test, r -> {
      Cursor before = Cursor.decode((String) r[0]);
      assertEquals(2, before.find("resume-ma").seq());
      assertEquals(3, before.find("resume-mb").seq());
      SseTestClient second = (SseTestClient) r[1];
      Map<String, List<Integer>> got = perChannel(second.events());
      assertEquals(List.of(3, 4), got.get("resume-ma"));
      assertEquals(List.of(4, 5), got.get("resume-mb"));
      Cursor after = Cursor.decode(second.lastEventId());
      assertEquals(4, after.find("resume-ma").seq(), "the cursor keeps the other channel's position");
      assertEquals(5, after.find("resume-mb").seq());
    });
  }

  @Test
  void resumeWhilePublishingLosesAndDoublesNothing(Vertx vertx, VertxTestContext ctx) {
    String a = "resume-busy-a";
    String b = "resume-busy-b";
    String uri = "/stream?channel=" + a + "&channel=" + b + "&envelope=1";
    int seen = 10;
    int before = 150;
    int total = 400;
    Future<SseTestClient> test = SseHarness.start(vertx).compose(h -> h.open(uri)
        .compose(first -> Future.all(h.publishRange(a, 1, seen), h.publishRange(b, 1, seen))
            .compose(x -> first.awaitEvents(2 * seen, WAIT))
            .compose(x -> first.close().map(first.lastEventId())))
        .compose(lastId -> Future.all(h.publishRange(a, seen + 1, before), h.publishRange(b, seen + 1, before))
            .compose(x -> {
              // keep publishing on both channels while the second stream replays
              Future<List<PublishResult>> moreA = h.publishRange(a, before + 1, total);
              Future<List<PublishResult>> moreB = h.publishRange(b, before + 1, total);
              return h.open(1, uri, Map.of("Last-Event-ID", lastId))
                  .compose(second -> Future.all(moreA, moreB)
                      .compose(y -> second.awaitEvents(2 * (total - seen), WAIT))
                      .map(y -> second));
            })));
    check(ctx, test, second -> {
      Map<String, List<Integer>> got = perChannel(second.events());
      assertEquals(range(seen + 1, total), got.get(a));
      assertEquals(range(seen + 1, total), got.get(b));
      assertEquals(2 * (total - seen), second.events().size(), "nothing else, in particular no gap");
    });
  }

  /**
   * A stream starts at each channel's head; the loop answers it from what it delivered last when it can,
   * else one store read serves every stream of the channel that joined meanwhile.
   */
  @Test
  void headsComeFromTheLoopWhenItKnowsThemAndOneReadServesManyStreams(Vertx vertx, VertxTestContext ctx) {
    String ch = "resume-heads";
    AtomicInteger headReads = new AtomicInteger(); // at a store that answers 50 ms later, as Redis would
    Future<Object[]> test = SseHarness.start(vertx, SseHarness.options(Duration.ofSeconds(15), 1024 * 1024, 1000,
            false), HistoryOptions.DEFAULTS, null, SseHarness.slowStore(vertx, "heads", 50, headReads))
        .compose(h -> h.publishRange(ch, 1, 2)
        .compose(x -> Future.all(h.open(0, "/stream?channel=" + ch, Map.of()), h.open(0, "/stream?channel=" + ch,
            Map.of()), h.open(0, "/stream?channel=" + ch, Map.of())))
        .compose(three -> {
          int afterThree = headReads.get();
          return h.publish(ch, "n", "3")
              .compose(x -> Future.all(((SseTestClient) three.resultAt(0)).awaitEvents(1, WAIT),
                  ((SseTestClient) three.resultAt(1)).awaitEvents(1, WAIT)))
              .compose(x -> h.open(0, "/stream?channel=" + ch, Map.of()))
              .compose(fourth -> {
                int afterFourth = headReads.get();
                return h.publish(ch, "n", "4").compose(x -> fourth.awaitEvents(1, WAIT))
                    .compose(x -> ((SseTestClient) three.resultAt(2)).awaitEvents(2, WAIT))
                    .map(x -> new Object[] {afterThree, afterFourth, three.resultAt(2), fourth});
              });
        }));
    check(ctx, test, r -> {
      assertEquals(1, r[0], "three streams joining a channel the loop has no news of: one head read");
      assertEquals(1, r[1], "the loop delivered an event since: no read for the fourth stream");
      assertEquals(List.of("3", "4"), data(((SseTestClient) r[2]).events()), "from the head on, nothing before");
      SseTestClient fourth = (SseTestClient) r[3];
      assertEquals(List.of("4"), data(fourth.events()));
    });
  }

  @Test
  void earliestReplaysAllRetainedHistory(Vertx vertx, VertxTestContext ctx) {
    String ch = "resume-earliest";
    Future<List<SseEvent>> test = SseHarness.start(vertx).compose(h -> h.publishRange(ch, 1, 3)
        .compose(x -> h.open("/stream?channel=" + ch + "&lastEventId=earliest"))
        .compose(c -> c.awaitEvents(3, WAIT).compose(y -> h.publish(ch, "n", "4")).compose(y -> c.awaitEvents(4, WAIT))));
    check(ctx, test, es -> assertEquals(List.of("1", "2", "3", "4"), data(es)));
  }

  @Test
  void trimmedHistoryGivesAGapThenTheRetainedEventsThenLive(Vertx vertx, VertxTestContext ctx) {
    String ch = "resume-trim";
    HistoryOptions small = new HistoryOptions(3, Duration.ofHours(1), Duration.ofHours(24), 1000);
    Future<List<SseEvent>> test = SseHarness.start(vertx, SseHarness.options(Duration.ofSeconds(15), 1 << 20, 100, false),
            small, null)
        .compose(h -> h.publishRange(ch, 1, 6)
            .compose(ids -> h.open("/stream?channel=" + ch + "&lastEventId=" + ids.get(0).id()))
            .compose(c -> c.awaitEvents(4, WAIT).compose(y -> h.publish(ch, "n", "7"))
                .compose(y -> c.awaitEvents(5, WAIT))));
    check(ctx, test, es -> {
      SseEvent gap = es.get(0);
      assertEquals("herald.gap", gap.type());
      assertEquals(new JsonObject().put("channel", ch).put("reason", "trimmed"), new JsonObject(gap.data()));
      assertNull(gap.id(), "a gap has no id");
      assertEquals(List.of("4", "5", "6", "7"), data(es.subList(1, 5)));
    });
  }

  @Test
  void unreadableCursorGivesInvalidCursorGapsThenLive(Vertx vertx, VertxTestContext ctx) {
    Future<SseTestClient> test = SseHarness.start(vertx).compose(h -> h.publishRange("resume-bad-a", 1, 2)
        .compose(x -> h.open(0, "/stream?channel=resume-bad-a&channel=resume-bad-b&envelope=1",
            Map.of("Last-Event-ID", "not a cursor!")))
        .compose(c -> c.awaitEvents(2, WAIT)
            .compose(y -> h.publish("resume-bad-b", "n", "1"))
            .compose(y -> c.awaitEvents(3, WAIT))
            .map(y -> c)));
    check(ctx, test, c -> {
      assertEquals(200, c.status());
      List<SseEvent> es = c.events();
      List<JsonObject> gaps = new ArrayList<>();
      for (SseEvent e : es.subList(0, 2)) {
        assertEquals("herald.gap", e.type());
        gaps.add(new JsonObject(e.data()));
      }
      assertEquals(List.of(
          new JsonObject().put("channel", "resume-bad-a").put("data",
              new JsonObject().put("channel", "resume-bad-a").put("reason", "invalid-cursor")),
          new JsonObject().put("channel", "resume-bad-b").put("data",
              new JsonObject().put("channel", "resume-bad-b").put("reason", "invalid-cursor"))), gaps);
      assertEquals(new JsonObject().put("channel", "resume-bad-b").put("data", 1), new JsonObject(es.get(2).data()));
      assertEquals(3, es.size(), "no history is replayed after an invalid cursor");
    });
  }
}
