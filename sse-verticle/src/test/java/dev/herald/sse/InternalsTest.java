package dev.herald.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.ContextInternal;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pins each assumption {@link Internals} makes of Vert.x and Netty internals, so an upgrade that breaks one fails here. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InternalsTest {
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void aDuplicateContextUnwrapsToItsLoopsOwnContext() {
    Context base = vertx.getOrCreateContext();
    Context duplicate = ((ContextInternal) base).duplicate();
    assertNotSame(base, duplicate);
    assertSame(base, Internals.loopOf(duplicate));
    assertSame(base, Internals.loopOf(base));
  }

  @Test
  void aContextsTimersRunOnThatContext() throws Exception {
    Context loop = vertx.getOrCreateContext();
    Promise<Context> ran = Promise.promise();
    Promise<Context> periodic = Promise.promise();
    Internals.setTimer(loop, 1, id -> ran.complete(Vertx.currentContext()));
    Internals.setPeriodic(loop, 1, id -> {
      vertx.cancelTimer(id);
      periodic.tryComplete(Vertx.currentContext());
    });
    assertSame(loop, Internals.loopOf(await(ran.future())));
    assertSame(loop, Internals.loopOf(await(periodic.future())));
  }

  @Test
  void buffersShareTheirBytesWithNettyBothWays() {
    Buffer buffer = Buffer.buffer("abc");
    ByteBuf under = Internals.byteBuf(buffer);
    under.setByte(0, 'x');
    assertEquals("xbc", buffer.toString());
    byte[] bytes = "def".getBytes(StandardCharsets.US_ASCII);
    Buffer wrapped = Internals.buffer(Unpooled.wrappedBuffer(bytes));
    bytes[0] = 'y';
    assertEquals("yef", wrapped.toString());
  }

  @Test
  void anHttp1ConnectionGivesItsChannelItsEncoderAndItsPendingBytes() throws Exception {
    Promise<long[]> seen = Promise.promise();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      req.response().setChunked(true).write("head\n").onComplete(w -> {
        ChannelHandlerContext handler = Internals.handlerContext(req.connection());
        assertNotNull(handler, "Vert.x's handler in the pipeline");
        assertSame(handler.channel(), Internals.channel(req.connection()));
        ChannelHandlerContext encoder = handler.pipeline().context(HttpResponseEncoder.class);
        assertNotNull(encoder, "an HTTP/1.1 pipeline has the response encoder");
        long before = Internals.pendingOutboundBytes(encoder.channel());
        encoder.write(Unpooled.wrappedBuffer(new byte[4096])); // written, not flushed: pending
        long pending = Internals.pendingOutboundBytes(encoder.channel());
        encoder.flush();
        seen.complete(new long[] {before, pending});
        req.response().end();
      });
    });
    int port = await(server.listen(0, "127.0.0.1")).actualPort();
    HttpClient client = vertx.createHttpClient();
    client.request(HttpMethod.GET, port, "127.0.0.1", "/").compose(r -> r.send()).onSuccess(r -> r.body());
    long[] bytes = await(seen.future());
    long added = bytes[1] - bytes[0];
    assertTrue(added >= 4096 && added < 4096 + 512,
        "an unflushed write counts in full (plus Netty's small entry overhead) among the pending bytes: " + added);
  }
}
