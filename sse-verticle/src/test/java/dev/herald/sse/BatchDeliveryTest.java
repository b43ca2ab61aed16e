package dev.herald.sse;

import static dev.herald.sse.StreamBasicsTest.check;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.StoredEvent;
import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Events that pile up while a loop is busy are delivered together ({@link LoopStreams}): one write per
 * stream and channel, and nothing lost, doubled, reordered or given a wrong id on the wire. Here the
 * events are posted to the loop from a task on the loop itself, so the drain that follows finds them all
 * waiting, as it would behind a busy loop.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class BatchDeliveryTest {
  private static final Duration WAIT = SseHarness.WAIT;
  private static final long EPOCH = 42;
  private static final String A = "batch-a";
  private static final String B = "batch-b";

  private static StoredEvent ev(String channel, long seq) {
    return new StoredEvent(channel, EPOCH, seq, "n", Long.toString(seq), 1_700_000_000_000L + seq * 1000);
  }

  /** Posts {@code events} to the only loop with streams, all from one task on that loop. */
  private static Future<Void> postTogether(SseHarness h, List<StoredEvent> events) {
    LoopStreams loop = h.sse.nodeStreams().loops().iterator().next();
    Promise<Void> done = Promise.promise();
    loop.context().runOnContext(v -> {
      for (StoredEvent e : events) {
        loop.post(new EncodedEvent(e));
      }
      done.complete();
    });
    return done.future();
  }

  /** How many of the loop's connections write past Vert.x's encoder (HTTP/1.1 chunks of their own), and not. */
  private static Future<int[]> chunkWriters(SseHarness h) {
    LoopStreams loop = h.sse.nodeStreams().loops().iterator().next();
    Promise<int[]> count = Promise.promise();
    loop.context().runOnContext(v -> {
      int[] n = new int[2];
      loop.eachConnection(c -> n[c.writesChunks() ? 0 : 1]++);
      count.complete(n);
    });
    return count.future();
  }

  /** The batched-deliveries counter, read on the loop once the task delivering to it is done. */
  private static Future<Double> batched(SseHarness h) {
    LoopStreams loop = h.sse.nodeStreams().loops().iterator().next();
    Promise<Double> count = Promise.promise();
    loop.context().runOnContext(v -> count.complete(h.registry.get("herald.sse.batched.deliveries").counter().count()));
    return count.future();
  }

  private static List<String> data(List<SseEvent> events, String channel) {
    List<String> out = new ArrayList<>();
    for (SseEvent e : events) {
      JsonObject o = new JsonObject(e.data());
      if (o.getString("channel").equals(channel)) {
        out.add(String.valueOf(o.getValue("data")));
      }
    }
    return out;
  }

  private static List<String> range(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(Integer::toString).toList();
  }

  @Test
  void eventsThatPiledUpAreWrittenTogetherInOrderWithTheirIds(Vertx vertx, VertxTestContext ctx) {
    List<StoredEvent> burst = new ArrayList<>();
    for (int seq = 1; seq <= 40; seq++) {
      burst.add(ev(A, seq));
      if (seq <= 20) {
        burst.add(ev(B, seq));
      }
    }
    // then a second burst that starts with events the streams already have (dropped, not doubled)
    List<StoredEvent> again = new ArrayList<>();
    for (int seq = 35; seq <= 45; seq++) {
      again.add(ev(A, seq));
    }
    Future<Object[]> test = SseHarness.start(vertx).compose(h -> Future.all(
            h.open(0, "/stream?channel=" + A, Map.of()),
            h.open(0, "/stream?channel=" + A, Map.of()),
            h.open(0, "/stream?channel=" + A + "&envelope=1", Map.of()),
            h.open(0, "/stream?channel=" + A + "&channel=" + B + "&envelope=1", Map.of()))
        .compose(all -> {
          List<SseTestClient> clients = List.of(all.resultAt(0), all.resultAt(1), all.resultAt(2), all.resultAt(3));
          return Future.all(clients.stream().map(c -> c.awaitComments(1, WAIT)).toList())
              .compose(x -> postTogether(h, burst))
              .compose(x -> Future.all(List.of(clients.get(0).awaitEvents(40, WAIT),
                  clients.get(1).awaitEvents(40, WAIT), clients.get(2).awaitEvents(40, WAIT),
                  clients.get(3).awaitEvents(60, WAIT))))
              .compose(x -> batched(h))
              .compose(first -> postTogether(h, again)
                  .compose(x -> Future.all(List.of(clients.get(0).awaitEvents(45, WAIT),
                      clients.get(1).awaitEvents(45, WAIT), clients.get(2).awaitEvents(45, WAIT),
                      clients.get(3).awaitEvents(65, WAIT))))
                  .compose(x -> batched(h))
                  .compose(second -> chunkWriters(h).map(w -> new Object[] {clients, first, second, w})));
        }));
    check(ctx, test, r -> {
      @SuppressWarnings("unchecked") List<SseTestClient> clients = (List<SseTestClient>) r[0];
      for (int i = 0; i < 2; i++) {
        List<SseEvent> es = clients.get(i).events();
        assertEquals(range(1, 45), es.stream().map(SseEvent::data).toList(), "plain stream " + i);
        assertEquals(IntStream.rangeClosed(1, 45).mapToObj(s -> ev(A, s).id()).toList(),
            es.stream().map(SseEvent::id).toList(), "ids of plain stream " + i);
      }
      assertEquals(range(1, 45), data(clients.get(2).events(), A));
      List<SseEvent> multi = clients.get(3).events();
      assertEquals(65, multi.size());
      assertEquals(range(1, 45), data(multi, A));
      assertEquals(range(1, 20), data(multi, B));
      Cursor last = Cursor.decode(multi.get(multi.size() - 1).id());
      assertEquals(45, last.find(A).seq());
      assertEquals(20, last.find(B).seq());
      // Every id of the multi-channel stream is where it stood after that event: resuming from any
      // one of them gives exactly what followed.
      long seqA = 0;
      long seqB = 0;
      for (SseEvent e : multi) {
        JsonObject o = new JsonObject(e.data());
        if (o.getString("channel").equals(A)) {
          seqA = Long.parseLong(String.valueOf(o.getValue("data")));
        } else {
          seqB = Long.parseLong(String.valueOf(o.getValue("data")));
        }
        Cursor c = Cursor.decode(e.id());
        assertEquals(seqA, c.find(A) == null ? 0 : c.find(A).seq(), e.id());
        assertEquals(seqB, c.find(B) == null ? 0 : c.find(B).seq(), e.id());
      }
      // all 180 deliveries of the first burst (3 x 40 + 60), then the 4 x 5 new ones of the second, went
      // out in batches
      assertEquals(180.0, (double) r[1]);
      assertEquals(200.0, (double) r[2]);
      // and every one of these HTTP/1.1 streams wrote its frames past the encoder, as chunks of its own
      assertEquals(List.of(4, 0), IntStream.of((int[]) r[3]).boxed().toList());
    });
  }
}
