package dev.herald.sse;

import static dev.herald.sse.StreamBasicsTest.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.testkit.Poll;
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
 * In a cluster, other nodes route a channel's events to this node only a moment after its consumer of
 * the channel registered. A stream that joined such a fresh channel reads the history after its
 * position again shortly after, so an event stored but never brought by the bus still reaches it —
 * even when no later event would reveal the hole.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class CatchUpTest {
  private static final Duration WAIT = SseHarness.WAIT;
  private static final HistoryAddresses ADDRESSES = new HistoryAddresses("catchup");
  private static final String CH = "catchup-quiet";
  private static final long EPOCH = 3;

  private static StoredEvent ev(long seq) {
    return new StoredEvent(CH, EPOCH, seq, "n", Long.toString(seq), 1_700_000_000_000L + seq * 1000);
  }

  @Test
  void anEventTheBusNeverBroughtComesFromTheHistory(Vertx vertx, VertxTestContext ctx) {
    List<StoredEvent> stored = new CopyOnWriteArrayList<>(List.of(ev(1)));
    List<Long> readsAfter = new CopyOnWriteArrayList<>();
    Future<Object[]> test = SseHarness.startWithoutReplay(vertx, ADDRESSES).compose(h -> {
      StoredEventCodec.register(vertx.eventBus());
      h.sse.nodeStreams().catchUp(true); // as on a clustered bus
      return vertx.eventBus().<JsonObject>consumer(ADDRESSES.history(), m -> {
        long after = Cursor.decode(m.body().getString("after")).find(CH).seq();
        readsAfter.add(after);
        List<StoredEvent> page = stored.stream().filter(e -> e.seq() > after).toList();
        m.reply(new HistoryPage(CH, EPOCH, page, null, false).toJson(true));
      }).completion()
          .compose(v -> h.open(0, "/stream?channel=" + CH, Map.of("Last-Event-ID", ev(1).id())))
          .compose(c -> c.awaitComments(1, WAIT).map(c))
          .compose(c -> {
            stored.add(ev(2));
            vertx.eventBus().publish(ADDRESSES.channel(CH), ev(2));
            return c.awaitEvents(1, WAIT).map(c);
          })
          .compose(c -> {
            // Stored, but the bus never brings it (the publishing node did not route here yet); nothing follows.
            stored.add(ev(3));
            return c.awaitEvents(2, WAIT)
                .compose(x -> Poll.until(vertx, "a catch-up read", WAIT, () -> h.registry.get("herald.sse.catchup.events").counter().count() >= 1))
                .map(x -> new Object[] {h, c});
          });
    });
    check(ctx, test, r -> {
      SseHarness h = (SseHarness) r[0];
      SseTestClient c = (SseTestClient) r[1];
      assertEquals(List.of("2", "3"), c.events().stream().map(SseEvent::data).toList());
      assertEquals(List.of(ev(2).id(), ev(3).id()), c.events().stream().map(SseEvent::id).toList());
      assertFalse(c.isEnded());
      assertEquals(1.0, h.registry.get("herald.sse.catchup.events").counter().count());
      assertTrue(readsAfter.size() >= 2, "the replay read, then a catch-up read: " + readsAfter);
    });
  }

  @Test
  void aStreamFromTheStartNeverSkipsAChannelsFirstEvents(Vertx vertx, VertxTestContext ctx) {
    String a = "catchup-start-a";
    String b = "catchup-start-b";
    List<StoredEvent> stored = new CopyOnWriteArrayList<>();
    Future<SseTestClient[]> test = SseHarness.startWithoutReplay(vertx, ADDRESSES).compose(h -> {
      StoredEventCodec.register(vertx.eventBus());
      h.sse.nodeStreams().catchUp(true); // as on a clustered bus
      return vertx.eventBus().<JsonObject>consumer(ADDRESSES.history(), m -> {
        String ch = m.body().getString("channel");
        String after = m.body().getString("after");
        long from = after == null ? 0 : Cursor.decode(after).find(ch).seq();
        List<StoredEvent> page = stored.stream().filter(e -> e.channel().equals(ch) && e.seq() > from).toList();
        m.reply(new HistoryPage(ch, page.isEmpty() ? 0 : EPOCH, page, null, false).toJson(true));
      }).completion()
          .compose(v -> h.open(0, "/stream?envelope=1&lastEventId=earliest&channel=" + a + "&channel=" + b, Map.of()))
          .compose(c -> c.awaitComments(1, WAIT).map(c))
          .compose(c -> {
            StoredEvent a1 = new StoredEvent(a, EPOCH, 1, "n", "\"a1\"", 1_700_000_000_000L);
            stored.add(a1);
            vertx.eventBus().publish(ADDRESSES.channel(a), a1);
            return c.awaitEvents(1, WAIT).map(c);
          })
          .compose(c -> {
            // b's first event is stored but the bus never brings it; its second comes live at once.
            StoredEvent b1 = new StoredEvent(b, EPOCH, 1, "n", "\"b1\"", 1_700_000_001_000L);
            StoredEvent b2 = new StoredEvent(b, EPOCH, 2, "n", "\"b2\"", 1_700_000_002_000L);
            stored.add(b1);
            stored.add(b2);
            vertx.eventBus().publish(ADDRESSES.channel(b), b2);
            // Either the stream ends at the hole (b2 live before b1), or a catch-up read brought b1 first.
            return Future.any(c.awaitEvent(e -> e.data().contains("b2"), WAIT), c.awaitEnd(WAIT)).compose(x -> {
              if (!c.isEnded()) {
                return Future.succeededFuture(new SseTestClient[] {c});
              }
              return h.open(1, "/stream?envelope=1&channel=" + a + "&channel=" + b,
                      Map.of("Last-Event-ID", c.lastEventId()))
                  .compose(again -> again.awaitEvents(2, WAIT).map(y -> new SseTestClient[] {c, again}));
            });
          });
    });
    check(ctx, test, r -> {
      List<String> got = new java.util.ArrayList<>();
      for (SseTestClient c : r) {
        c.events().forEach(e -> got.add(new JsonObject(e.data()).getString("data")));
      }
      assertEquals(List.of("a1", "b1", "b2"), got, "joined across a reconnect, b from its first event, once each");
    });
  }

  @Test
  void aLiveOnlyStreamOnAFreshChannelOpensOnceTheClusterCanRouteItHere(Vertx vertx, VertxTestContext ctx) {
    String ch = "catchup-live-only";
    Future<long[]> test = SseHarness.startWithoutReplay(vertx, ADDRESSES).compose(h -> {
      StoredEventCodec.register(vertx.eventBus());
      h.sse.nodeStreams().catchUp(true); // as on a clustered bus
      long t0 = System.nanoTime();
      return SseHarness.answerHeadsAsEmpty(vertx, ADDRESSES).compose(v -> h.open(0, "/stream?channel=" + ch, Map.of()))
          .compose(first -> {
            long firstMs = (System.nanoTime() - t0) / 1_000_000;
            // the channel is consumed here for more than the routing wait now: the next one opens at once
            long t1 = System.nanoTime();
            return h.open(1, "/stream?channel=" + ch, Map.of()).compose(second -> {
              long secondMs = (System.nanoTime() - t1) / 1_000_000;
              StoredEvent e1 = new StoredEvent(ch, EPOCH, 1, "n", "1", 1_700_000_000_000L);
              vertx.eventBus().publish(ADDRESSES.channel(ch), e1);
              return Future.all(first.awaitEvents(1, WAIT), second.awaitEvents(1, WAIT))
                  .map(x -> new long[] {firstMs, secondMs});
            });
          });
    });
    check(ctx, test, r -> {
      assertTrue(r[0] >= ChannelStream.CATCH_UP_FIRST_MS - 50, "first live-only stream opened after " + r[0] + " ms");
      assertTrue(r[1] < ChannelStream.CATCH_UP_FIRST_MS / 2, "second opened after " + r[1] + " ms");
    });
  }
}
