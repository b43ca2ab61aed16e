package dev.herald.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.replay.api.HistoryOptions;
import dev.herald.sse.api.StreamInfo;
import dev.herald.sse.api.StreamListener;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code SseStreams.drain}: every open stream (channel and topic, on every loop) gets a short
 * {@code retry:} with jitter and ends, the ends spread over the window; new streams get a 200 with a short retry and end at once;
 * closes are announced with the reason {@code drain}; the future completes when all are closed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class DrainTest {
  private static final Duration WAIT = SseHarness.WAIT;
  private static final int STREAMS = 6;
  private static final long WINDOW_MS = 1200;
  private static final long RETRY_MS = 200;

  @Test
  void drainTellsEveryStreamToRetrySoonAndClosesThemSpreadOverTheWindow(Vertx vertx, VertxTestContext ctx) {
    List<String> reasons = new CopyOnWriteArrayList<>();
    StreamListener listener = new StreamListener() {
      @Override
      public void opened(StreamInfo stream) {
      }

      @Override
      public void closed(StreamInfo stream, String reason) {
        reasons.add(reason);
      }
    };
    Map<SseTestClient, Long> endedAt = new ConcurrentHashMap<>();
    SseHarness[] harness = new SseHarness[1];
    List<SseTestClient> clients = new ArrayList<>();
    Future<SseTestClient> test = SseHarness.start(vertx,
            SseHarness.options(Duration.ofSeconds(15), 1 << 20, 100, false), HistoryOptions.DEFAULTS, listener)
        .compose(h -> {
          harness[0] = h;
          List<Future<SseTestClient>> opening = new ArrayList<>();
          for (int i = 0; i < STREAMS; i++) {
            opening.add(h.open(i, "/stream?channel=drain-" + (i % 2), Map.of()));
          }
          opening.add(h.open(1, "/topic?address=drain.topic&event=t", Map.of()));
          return Future.all(opening);
        })
        .compose(all -> {
          List<Future<?>> started = new ArrayList<>();
          for (int i = 0; i < all.size(); i++) {
            SseTestClient c = all.resultAt(i);
            clients.add(c);
            started.add(c.awaitBytes(18, WAIT));
          }
          return Future.all(started);
        })
        .compose(x -> {
          long began = System.nanoTime();
          List<Future<Void>> ends = new ArrayList<>();
          for (SseTestClient c : clients) {
            ends.add(c.awaitEnd(WAIT).onSuccess(v -> endedAt.put(c, System.nanoTime() - began)));
          }
          Future<Void> drained = harness[0].streams().drain(Duration.ofMillis(WINDOW_MS), Duration.ofMillis(RETRY_MS));
          return harness[0].open(0, "/stream?channel=drain-late", Map.of()).compose(late -> late.awaitEnd(WAIT)
              .map(v -> late)).compose(late -> drained.compose(v -> Future.all(ends)).map(late));
        });
    test.onComplete(ctx.succeeding(late -> ctx.verify(() -> {
      // a new stream is turned away the EventSource way: 200, a short retry, a comment, the end
      assertEquals(200, late.status());
      assertEquals("text/event-stream; charset=utf-8", late.header("Content-Type"));
      assertEquals(1, late.retries().size(), late::body);
      long lateRetry = late.retries().get(0);
      assertTrue(lateRetry >= RETRY_MS && lateRetry <= 2 * RETRY_MS, "retry with jitter: " + lateRetry);
      assertTrue(late.comments().stream().anyMatch(c -> c.contains("draining")), late::body);
      assertTrue(late.events().isEmpty(), late::body);
      for (SseTestClient c : clients) {
        assertTrue(c.isEnded(), "every stream ended");
        List<Long> retries = c.retries();
        assertEquals(2, retries.size(), () -> "the first retry and the drain's: " + c.raw());
        long retry = retries.get(1);
        assertTrue(retry >= RETRY_MS && retry <= 2 * RETRY_MS, "retry with jitter: " + retry);
        assertTrue(c.raw().toString().endsWith("retry: " + retry + "\n\n"), c::body);
      }
      assertEquals(0, harness[0].streams().openStreams());
      assertEquals(STREAMS + 1, reasons.stream().filter("drain"::equals).count(), reasons::toString);
      long first = endedAt.values().stream().mapToLong(Long::longValue).min().orElseThrow();
      long last = endedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      // Each loop's first close goes at once and its last not before (n-1)/n of the window.
      assertTrue(last - first >= Duration.ofMillis(WINDOW_MS / 2).toNanos(),
          "closes spread over the window: first " + first / 1_000_000 + " ms, last " + last / 1_000_000 + " ms");
      ctx.completeNow();
    })));
  }
}
