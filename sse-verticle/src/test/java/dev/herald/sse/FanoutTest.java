package dev.herald.sse;

import static dev.herald.sse.StreamBasicsTest.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.testkit.Poll;
import dev.herald.replay.api.ChannelHead;
import dev.herald.replay.api.HeadsReply;
import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.HistoryAddresses;

import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.StoredEvent;
import dev.herald.replay.api.StoredEventCodec;
import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The node fan-out as a cluster member sees it: channel events arrive on the bus out of order and
 * twice (several publishing nodes), and the history answers what the bus has not brought yet.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class FanoutTest {
  private static final Duration WAIT = SseHarness.WAIT;
  private static final HistoryAddresses ADDRESSES = new HistoryAddresses("fan");
  private static final String CH = "fan-order";
  private static final long EPOCH = 7;

  private static StoredEvent ev(long seq) {
    return new StoredEvent(CH, EPOCH, seq, "n", Long.toString(seq), 1_700_000_000_000L + seq * 1000);
  }

  /** Answers history reads of CH from {@code stored}, like the replay verticle would. */
  private static Future<Void> fakeHistory(Vertx vertx, List<StoredEvent> stored, List<Long> readsAfter) {
    return vertx.eventBus().<JsonObject>consumer(ADDRESSES.history(), m -> {
      JsonObject q = m.body();
      long after = Cursor.decode(q.getString("after")).find(CH).seq();
      readsAfter.add(after);
      List<StoredEvent> page = stored.stream().filter(e -> e.seq() > after).limit(q.getInteger("limit")).toList();
      m.reply(new HistoryPage(CH, EPOCH, page, null, false).toJson(true));
    }).completion();
  }

  /** Answers heads requests for CH from {@code stored}: the epoch and the newest sequence number. */
  private static Future<Void> fakeHeads(Vertx vertx, List<StoredEvent> stored) {
    return vertx.eventBus().<JsonObject>consumer(ADDRESSES.heads(), m -> {
      StoredEvent head = stored.stream().max(java.util.Comparator.comparingLong(StoredEvent::seq)).orElse(null);
      m.reply(new HeadsReply(List.of(head == null ? ChannelHead.none(CH)
          : new ChannelHead(CH, EPOCH, head.seq(), head.publishedAt() / 1000))).toJson());
    }).completion();
  }

  @Test
  void outOfOrderAndDuplicateEventsAreDeliveredOnceInOrder(Vertx vertx, VertxTestContext ctx) {
    List<StoredEvent> stored = new CopyOnWriteArrayList<>(List.of(ev(1), ev(2), ev(3), ev(4), ev(5), ev(6)));
    List<Long> readsAfter = new CopyOnWriteArrayList<>();
    String channelAddress = ADDRESSES.channel(CH);
    Future<Object[]> test = SseHarness.startWithoutReplay(vertx, ADDRESSES).compose(h -> {
      StoredEventCodec.register(vertx.eventBus());
      return fakeHistory(vertx, stored, readsAfter).compose(v -> SseHarness.answerHeadsAsEmpty(vertx, ADDRESSES))
          .compose(v -> Future.all(h.open(0, "/stream?channel=" + CH, Map.of()), h.open(1, "/stream?channel=" + CH,
              Map.of())))
          .compose(all -> {
            SseTestClient a = all.resultAt(0);
            SseTestClient b = all.resultAt(1);
            for (long seq : new long[] {1, 2, 2, 4, 5}) {
              vertx.eventBus().publish(channelAddress, ev(seq));
            }
            // 3 never comes over the bus: the fan-out reads it from the history, then goes on with 4 and 5
            return Future.all(a.awaitEvents(5, WAIT), b.awaitEvents(5, WAIT)).compose(x -> {
              vertx.eventBus().publish(channelAddress, ev(6));
              vertx.eventBus().publish(channelAddress, ev(1));
              stored.add(ev(7));
              vertx.eventBus().publish(channelAddress, ev(7));
              return Future.all(a.awaitEvents(7, WAIT), b.awaitEvents(7, WAIT));
            }).compose(x -> Future.all(a.close(), b.close()))
                .compose(x -> Poll.until(vertx, "the fan-out to release the channel", Duration.ofSeconds(10), () -> h.sse.consumedChannels() == 0))
                .map(x -> new Object[] {h, a, b});
          });
    });
    check(ctx, test, r -> {
      SseHarness h = (SseHarness) r[0];
      for (int i = 1; i <= 2; i++) {
        List<SseEvent> es = ((SseTestClient) r[i]).events();
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7"), es.stream().map(SseEvent::data).toList());
        for (int k = 0; k < 7; k++) {
          assertEquals(ev(k + 1).id(), es.get(k).id());
        }
      }
      assertEquals(7.0, h.registry.get("herald.sse.fanout.events").counter().count(), "each event fanned out once");
      assertTrue(readsAfter.contains(2L), "the hole after seq 2 was filled from the history: " + readsAfter);
      assertEquals(0, h.sse.consumedChannels(), "the consumer goes with the last stream");
    });
  }

  @Test
  void eventsTheBusNeverBringsArriveThroughTheStoreCheck(Vertx vertx, VertxTestContext ctx) {
    // Events 3 and 4 are stored by a node on the other side of a cut: only the store knows them.
    List<StoredEvent> stored = new CopyOnWriteArrayList<>(List.of(ev(1), ev(2)));
    List<Long> readsAfter = new CopyOnWriteArrayList<>();
    long[] sent = new long[1];
    Future<Object[]> test = SseHarness.startWithoutReplay(vertx, ADDRESSES, 100).compose(h -> {
      StoredEventCodec.register(vertx.eventBus());
      return fakeHistory(vertx, stored, readsAfter).compose(v -> fakeHeads(vertx, stored))
          .compose(v -> h.open(0, "/stream?channel=" + CH, Map.of()))
          // the new feed asks where the channel stands (2) before anything else happens
          .compose(a -> Poll.until(vertx, "two store checks", Duration.ofSeconds(10),
              () -> h.registry.get("herald.sse.store.checks").counter().count() >= 2).map(a))
          .compose(a -> {
            sent[0] = System.currentTimeMillis();
            stored.add(ev(3));
            stored.add(ev(4));
            return a.awaitEvents(2, WAIT).map(x -> {
              sent[0] = System.currentTimeMillis() - sent[0];
              vertx.eventBus().publish(ADDRESSES.channel(CH), ev(5));
              stored.add(ev(5));
              return a;
            });
          })
          .compose(a -> a.awaitEvents(3, WAIT).compose(x -> a.close()).map(x -> new Object[] {h, a}));
    });
    check(ctx, test, r -> {
      SseHarness h = (SseHarness) r[0];
      assertEquals(List.of("3", "4", "5"), ((SseTestClient) r[1]).events().stream().map(SseEvent::data).toList(),
          "the stream started live at 2 and got 3 and 4 from the history, then 5 from the bus");
      assertTrue(readsAfter.contains(2L), "the fan-out read the history after its position: " + readsAfter);
      assertTrue(sent[0] < 2_000, "two check periods and a read, not more: " + sent[0] + " ms");
      assertEquals(3.0, h.registry.get("herald.sse.fanout.events").counter().count(), "each event fanned out once");
    });
  }
}
