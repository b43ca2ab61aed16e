package dev.herald.sse;

import static dev.herald.sse.StreamBasicsTest.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.replay.api.HistoryOptions;
import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import dev.herald.testkit.Poll;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * G5: a client that stops reading is evicted once the node holds more than {@code sse.maxQueuedBytes}
 * for it, and the node never holds much more than that.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class EvictionTest {
  private static final Logger LOG = LoggerFactory.getLogger(EvictionTest.class);
  private static final int MAX_QUEUED = 64 * 1024;
  private static final int EVENT_CHARS = 16 * 1024;

  /** Bytes Netty holds for the channel right now (0 once it is closed). */
  private static long pending(Channel ch) {
    return Internals.pendingOutboundBytes(ch);
  }

  @Test
  void aStalledReaderIsEvictedAndTheNodeHoldsNoMoreThanTheBound(Vertx vertx, VertxTestContext ctx) {
    String ch = "evict-stalled";
    AtomicReference<Channel> serverSide = new AtomicReference<>();
    AtomicReference<SseTestClient> healthyClient = new AtomicReference<>();
    AtomicLong maxPending = new AtomicLong();
    Promise<JsonObject> evicted = Promise.promise();
    Promise<Void> clientSawClose = Promise.promise();
    Buffer received = Buffer.buffer();
    String payload = Json.encode("x".repeat(EVENT_CHARS));

    Future<SseHarness> started = SseHarness.start(vertx,
        SseHarness.options(Duration.ofSeconds(15), MAX_QUEUED, 100, false), HistoryOptions.DEFAULTS, null);
    Future<Object[]> test = started.compose(h -> {
      h.onStreamRequest = req -> serverSide.set(Internals.channel(req.connection()));
      return vertx.eventBus().<JsonObject>consumer(h.addresses.disconnect(), m -> evicted.tryComplete(m.body()))
          .completion()
          .compose(v -> h.open(0, "/stream?channel=" + ch, Map.of())) // a healthy reader on the same loop
          .compose(healthy -> {
            healthyClient.set(healthy);
            return vertx.createNetClient().connect(h.ports.get(0), "localhost");
          })
          .compose(socket -> {
            Promise<NetSocket> headRead = Promise.promise();
            socket.handler(b -> {
              received.appendBuffer(b);
              if (received.toString().contains("\r\n\r\n") && received.toString().endsWith(": ok\n\n\r\n")) {
                socket.pause(); // from here on the client never reads
                headRead.tryComplete(socket);
              }
            });
            socket.closeHandler(v -> clientSawClose.tryComplete());
            socket.write("GET /stream?channel=" + ch + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            return headRead.future();
          })
          .compose(socket -> floodUntil(h, ch, payload, evicted.future(), serverSide, maxPending,
              healthyClient.get(), 0)
              .compose(published -> Poll.until(vertx, "the evicted connection to close on the server",
                      Duration.ofSeconds(10), () -> !serverSide.get().isOpen())
                  .compose(v -> {
                    // the node let go of the connection while the client still did not read
                    socket.resume(); // now read what the kernel kept: the close must show after it
                    return clientSawClose.future()
                        .compose(x -> healthyClient.get().awaitEvents(published, SseHarness.WAIT))
                        .map(x -> new Object[] {h, published});
                  })));
    });
    check(ctx, test, r -> {
      SseHarness h = (SseHarness) r[0];
      int published = (Integer) r[1];
      JsonObject d = evicted.future().result();
      LOG.info("evicted after {} events of {} bytes; Netty held at most {} bytes", published, payload.length(),
          maxPending.get());
      assertEquals("evicted", d.getString("reason"));
      assertTrue(published > 0);
      long frame = EVENT_CHARS + 200;
      assertTrue(maxPending.get() <= MAX_QUEUED + frame,
          "the node held " + maxPending.get() + " bytes for a stalled client (bound " + MAX_QUEUED + ")");
      assertEquals(0, pending(serverSide.get()), "nothing is held after the eviction");
      assertEquals(1.0, h.registry.get("herald.sse.evictions").counter().count());
      assertEquals(1, h.streams().openStreams(), "the healthy reader's stream stays open");
      List<SseEvent> got = healthyClient.get().events();
      assertEquals(published, got.size(), "and got every event");
      assertEquals(published, got.stream().map(SseEvent::id).distinct().count(), "once each");
    });
  }

  @Test
  void aSlowButHealthyReaderIsNotEvictedByReplay(Vertx vertx, VertxTestContext ctx) {
    String ch = "evict-slow-replay";
    int count = 600;
    String pad = "y".repeat(EVENT_CHARS);
    Future<Object[]> test = SseHarness.start(vertx,
            SseHarness.options(Duration.ofSeconds(15), MAX_QUEUED, 100, false), HistoryOptions.DEFAULTS, null)
        .compose(h -> publishBig(h, ch, pad, 1, count)
            .compose(v -> h.open("/stream?channel=" + ch + "&lastEventId=earliest"))
            .compose(client -> {
              client.pause(); // the client is slow: history piles up in the socket buffers first
              Promise<Void> later = Promise.promise();
              vertx.setTimer(1000, id -> {
                client.resume();
                later.complete();
              });
              return later.future().compose(v -> client.awaitEvents(count, Duration.ofSeconds(60)))
                  .map(events -> new Object[] {h, events});
            }));
    check(ctx, test, r -> {
      SseHarness h = (SseHarness) r[0];
      @SuppressWarnings("unchecked") List<SseEvent> events = (List<SseEvent>) r[1];
      for (int i = 0; i < count; i++) {
        assertEquals(i + 1, new JsonObject(events.get(i).data()).getInteger("n"));
      }
      assertEquals(0.0, h.registry.get("herald.sse.evictions").counter().count(),
          "replay waits for a slow client instead of evicting it");
    });
  }

  private static Future<Void> publishBig(SseHarness h, String ch, String pad, int from, int to) {
    if (from > to) {
      return Future.succeededFuture();
    }
    String data = new JsonObject().put("n", from).put("pad", pad).encode();
    return h.publish(ch, "big", data).compose(r -> publishBig(h, ch, pad, from + 1, to));
  }

  /**
   * Publishes big events one after another until {@code done} completes; returns how many. Each waits
   * until the healthy reader got the one before, so only the stalled client falls behind: a healthy reader
   * that the machine's load slows down is paced, never evicted by the flood itself.
   */
  private static Future<Integer> floodUntil(SseHarness h, String ch, String payload, Future<?> done,
                                            AtomicReference<Channel> serverSide, AtomicLong maxPending,
                                            SseTestClient healthy, int sent) {
    if (done.isComplete()) {
      return Future.succeededFuture(sent);
    }
    if (sent > 3000) {
      return Future.failedFuture("no eviction after " + sent + " events of " + payload.length() + " bytes");
    }
    return healthy.awaitEvents(sent, SseHarness.WAIT).compose(x -> h.publish(ch, "big", payload)).compose(r -> {
      maxPending.accumulateAndGet(pending(serverSide.get()), Math::max);
      return floodUntil(h, ch, payload, done, serverSide, maxPending, healthy, sent + 1);
    });
  }
}
