package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.sse.api.SseAddresses;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * G5 on the wire: a client that never reads is evicted once the node would hold more than
 * {@code sse.maxQueuedBytes} for it, long before the flood ends; other subscribers go on.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EvictionTest {
  private static final int EVENT_CHARS = 16 * 1024;
  /** Kernel buffers on loopback: the server's send buffer (at most tcp_wmem's max) and the client's small receive buffer. */
  private static final long KERNEL_SLACK = maxSendBuffer() + 256 * 1024;
  private static final long MAX_QUEUED = 32 * 1024;
  /** Bytes the flood publishes at most: far more than the bound, so a node that buffered would fail here. */
  private static final long FLOOD_CAP = 3 * KERNEL_SLACK;

  @Test
  void aStalledReaderIsEvictedAndOthersGoOn(Vertx vertx) {
    HeraldNode node = TestNode.start(vertx, Map.of("sse.maxQueuedBytes", MAX_QUEUED, "history.maxEvents", 10,
        "http.maxBodyBytes", "64KiB"));
    String ch = "g5-flood";
    Promise<JsonObject> evicted = Promise.promise();
    TestNode.await(vertx.eventBus().<JsonObject>consumer(new SseAddresses("herald").disconnect(), m -> {
      if (m.body().getJsonArray("channels").contains(ch) && "evicted".equals(m.body().getString("reason"))) {
        evicted.tryComplete(m.body());
      }
    }).completion());
    SseTestClient healthy = Streams.live(vertx, node.port(), "/v1/stream?channel=" + ch);
    NetSocket stalled = TestNode.await(stalledReader(vertx, node.port(), ch));

    // published over HTTP, one after another, as a publisher would: each waits for its answer
    Api publisher = new Api(vertx, node.port());
    String data = Json.encode("x".repeat(EVENT_CHARS));
    AtomicLong published = new AtomicLong();
    while (!evicted.future().isComplete() && published.get() <= FLOOD_CAP) {
      publisher.publish(ch, null, data);
      published.addAndGet(data.length());
    }
    assertTrue(evicted.future().isComplete(), "no eviction after " + published.get() + " bytes");
    String lastId = publisher.publish(ch, null, "\"last\"");
    JsonObject gone = TestNode.await(evicted.future());
    LoggerFactory.getLogger(EvictionTest.class).info("stalled reader evicted after {} bytes were published",
        published.get());
    assertTrue(published.get() <= KERNEL_SLACK + MAX_QUEUED + 4L * EVENT_CHARS,
        "evicted only after " + published.get() + " bytes were published");
    assertEquals("evicted", gone.getString("reason"));

    // the healthy subscriber got everything, the last event included
    TestNode.await(healthy.awaitEvent(e -> lastId.equals(e.id()), Streams.WAIT));
    String after = new Api(vertx, node.port()).publish(ch, null, "\"after\"");
    TestNode.await(healthy.awaitEvent(e -> after.equals(e.id()), Streams.WAIT));
    String metrics = new Api(vertx, node.port()).get("/metrics").bodyAsString();
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("herald_sse_evictions_total") && !l.endsWith(" 0.0")),
        "eviction counted");
    stalled.close();
    Streams.close(healthy);
    TestNode.await(node.stop());
  }

  private static long maxSendBuffer() {
    try {
      String[] wmem = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim()
          .split("\\s+");
      return Long.parseLong(wmem[2]);
    } catch (java.io.IOException | RuntimeException e) {
      return 4L * 1024 * 1024;
    }
  }

  /** A raw connection that asks for the stream, reads its head and first bytes, then never reads again. */
  private static Future<NetSocket> stalledReader(Vertx vertx, int port, String ch) {
    return vertx.createNetClient(new NetClientOptions().setReceiveBufferSize(4096)).connect(port, "127.0.0.1")
        .compose(socket -> {
          Promise<NetSocket> started = Promise.promise();
          Buffer received = Buffer.buffer();
          socket.handler(b -> {
            received.appendBuffer(b);
            if (received.toString().contains(": ok\n\n")) {
              socket.pause();
              started.tryComplete(socket);
            }
          });
          socket.write("GET /v1/stream?channel=" + ch + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n");
          return started.future();
        });
  }
}
