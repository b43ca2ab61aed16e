package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pins each assumption {@link WireAdapter} makes about Vert.x and Netty internals, on a bare Vert.x HTTP server
 * configured as the gateway's: an upgrade that breaks one fails here, by name.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WireAdapterTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static final List<String> seen = new CopyOnWriteArrayList<>();
  private static volatile boolean refuse;
  private static final List<Throwable> unreadable = new CopyOnWriteArrayList<>();
  private static final List<HttpVersion> unreadableVersions = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setMaxInitialLineLength(1024).setHttp2ClearTextEnabled(false);
    server = vertx.createHttpServer(options)
        .connectionHandler(c -> {
          ChannelHandler before = WireAdapter.channel(c).pipeline().get(WireAdapter.DECODER);
          seen.add("connection:" + (c instanceof ConnectionBase) + ":" + (before instanceof VertxHttpRequestDecoder));
          seen.add("installed:" + WireAdapter.installStrictDecoder(c, options) + ":"
              + (WireAdapter.channel(c).pipeline().get(WireAdapter.DECODER) instanceof WireAdapter.StrictRequestDecoder));
          WireAdapter.gateAccepts(c, () -> !refuse, () -> { });
        })
        .invalidRequestHandler(r -> {
          unreadable.add(r.decoderResult().cause());
          unreadableVersions.add(r.version());
          r.response().setStatusCode(400).end().onComplete(x -> r.connection().close());
        })
        .requestHandler(r -> r.body().onComplete(ar -> r.response().end("ok")));
    TestNode.await(server.listen());
  }

  @AfterAll
  static void stop() {
    TestNode.await(vertx.close());
  }

  @Test
  void theDecoderIsVertxsUnderItsNameAndIsReplacedBeforeAByteIsRead() {
    try (RawHttp c = new RawHttp(server.actualPort())) {
      assertEquals(200, c.send("GET /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUnchecked("GET")
          .status());
    }
    assertTrue(seen.contains("connection:true:true"), seen.toString());
    assertTrue(seen.contains("installed:true:true"), seen.toString());
  }

  @Test
  void bothLengthsAndLongLinesReachTheInvalidRequestHandlerAsHttp11() {
    unreadable.clear();
    unreadableVersions.clear();
    try (RawHttp c = new RawHttp(server.actualPort())) {
      c.send("POST /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "0\r\n\r\n");
      assertTrue(c.closedWithin(Duration.ofSeconds(10)));
    }
    try (RawHttp c = new RawHttp(server.actualPort())) {
      c.send("GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(c.closedWithin(Duration.ofSeconds(10)));
    }
    assertEquals(2, unreadable.size(), unreadable.toString());
    assertInstanceOf(WireAdapter.AmbiguousLengthException.class, unreadable.get(0));
    assertInstanceOf(TooLongHttpLineException.class, unreadable.get(1));
    assertEquals(List.of(HttpVersion.HTTP_1_1, HttpVersion.HTTP_1_1), unreadableVersions);
  }

  @Test
  void aBodyThatCannotBeReadIsAnsweredPastTheEncoderBeforeTheClose() {
    try (RawHttp c = new RawHttp(server.actualPort())) {
      RawHttp.Answer a = c.send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
          .readUnchecked("POST");
      assertEquals(400, a.status());
      assertEquals("urn:herald:problem:malformed-request", a.body().toJsonObject().getString("type"));
      assertTrue(c.closedWithin(Duration.ofSeconds(10)));
    }
  }

  @Test
  void theGateOnTheServerSocketClosesWhatItDoesNotAdmitAsItIsAccepted() {
    try (RawHttp c = new RawHttp(server.actualPort())) { // its connection handler installs the gate
      assertEquals(200, c.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUnchecked("GET")
          .status());
    }
    refuse = true;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      boolean refused = false;
      while (!refused) {
        assertTrue(System.nanoTime() < deadline, "the gate closes sockets it does not admit");
        try (RawHttp c = new RawHttp(server.actualPort())) {
          c.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
          refused = !c.answeredWithin(Duration.ofSeconds(5)) || c.closedWithinNothingSent();
        }
      }
    } finally {
      refuse = false;
    }
    try (RawHttp c = new RawHttp(server.actualPort())) {
      assertEquals(200, c.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUnchecked("GET")
          .status());
    }
  }

  @Test
  void netty_s_report_of_a_failed_accept_goes_to_the_rate_limited_log() {
    InternalLoggerFactory previous = InternalLoggerFactory.getDefaultFactory();
    List<IOException> failures = new CopyOnWriteArrayList<>();
    try {
      WireAdapter.routeAcceptFailures(failures::add);
      InternalLogger pipeline = InternalLoggerFactory.getInstance(WireAdapter.PIPELINE_LOGGER);
      // what io.netty.channel.DefaultChannelPipeline logs when accept() fails (the process is out of files)
      pipeline.warn("An exceptionCaught() event was fired, and it reached at the tail of the pipeline.",
          new IOException("Too many open files"));
      pipeline.debug("other lines pass through");
      assertEquals(1, failures.size());
      assertEquals("Too many open files", failures.get(0).getMessage());
      assertTrue(!Proxy.isProxyClass(InternalLoggerFactory.getInstance("io.netty.other").getClass()),
          "other loggers are Netty's own");
    } finally {
      InternalLoggerFactory.setDefaultFactory(previous);
    }
  }
}
