package dev.herald.sse;

import static dev.herald.sse.StreamBasicsTest.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pins down what {@code HttpServerResponse.setWriteQueueMaxSize} and {@code writeQueueFull()} do for an
 * HTTP/1.x response in Vert.x 5.0.10, which {@link SseConnection} relies on: the size becomes Netty's
 * write-buffer high-water mark (low = half), and {@code writeQueueFull()} turns true only well after
 * that many bytes are held (Netty must be past the mark and more writes must wait in Vert.x's own
 * queue). So {@code writeQueueFull()} alone cannot keep a stream within {@code maxQueuedBytes} plus one
 * frame; the stream counts its unwritten bytes itself.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class WriteQueueBehaviourTest {
  private static final Logger LOG = LoggerFactory.getLogger(WriteQueueBehaviourTest.class);
  private static final int MAX = 32 * 1024;
  private static final int FRAME = 4096;

  private static final class Probe {
    int high;
    int low;
    long held;
    long heldWhenFull = -1;
    long written;
  }

  @Test
  void writeQueueFullLagsTheMaxSize(Vertx vertx, VertxTestContext ctx) {
    Probe probe = new Probe();
    Promise<Probe> full = Promise.promise();
    Buffer frame = Buffer.buffer("x".repeat(FRAME));
    Future<Probe> test = vertx.createHttpServer().requestHandler(req -> {
      HttpServerResponse response = req.response().setChunked(true).setWriteQueueMaxSize(MAX);
      Channel ch = Internals.channel(req.connection());
      probe.high = ch.config().getWriteBufferHighWaterMark();
      probe.low = ch.config().getWriteBufferLowWaterMark();
      response.write("start\n");
      vertx.setPeriodic(1, id -> {
        for (int i = 0; i < 8 && probe.heldWhenFull < 0; i++) {
          probe.held += FRAME;
          probe.written += FRAME;
          response.write(frame).onComplete(ar -> probe.held -= FRAME);
          if (response.writeQueueFull()) {
            probe.heldWhenFull = probe.held;
          }
        }
        if (probe.heldWhenFull >= 0 || probe.written > 200L * 1024 * 1024) {
          vertx.cancelTimer(id);
          full.tryComplete(probe);
        }
      });
    }).listen(0).compose(server -> vertx.createNetClient().connect(server.actualPort(), "localhost"))
        .compose(socket -> {
          socket.handler(b -> socket.pause()); // read the head, then never again
          socket.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
          // The reader goes away first: a server connection closed with megabytes it cannot flush to a
          // paused reader made closing the Vertx instance time out now and then.
          return full.future().compose(p -> socket.close().map(p));
        });
    check(ctx, test, p -> {
      LOG.info("writeQueueFull after {} bytes written; {} held when it turned true (max size {})", p.written,
          p.heldWhenFull, MAX);
      assertEquals(MAX, p.high, "the max size is Netty's high-water mark");
      assertEquals(MAX / 2, p.low);
      assertTrue(p.heldWhenFull > MAX + FRAME,
          "writeQueueFull turned true with " + p.heldWhenFull + " bytes held, within one frame of the max size");
    });
  }
}
