package dev.herald.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.Slf4JLoggerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.spi.cluster.ClusterManager;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The one place where the gateway reaches past Vert.x's public API — into its connections, Netty's pipeline
 * and the cluster manager (each assumption is pinned by {@code WireAdapterTest} or {@code ClusterViewTest}, so
 * an upgrade that breaks one fails there):
 *
 * <ul>
 *   <li>the cluster manager of a clustered {@link Vertx} ({@code VertxInternal.clusterManager()}), which
 *       {@link ClusterView} reads the members from;</li>
 *   <li>a connection's Netty {@link Channel} ({@code ConnectionBase}), the identity of a connection across
 *       an HTTP/1.1 → h2c upgrade and the source of its close;</li>
 *   <li>the HTTP/1.x request decoder, found in the pipeline under the name {@value #DECODER} and replaced by a
 *       {@link StrictRequestDecoder} that refuses a request with both {@code Content-Length} and
 *       {@code Transfer-Encoding: chunked} (Netty would silently drop the length, a request-smuggling
 *       vector behind a proxy that reads the length), answers the requests it cannot read as HTTP/1.1, and
 *       answers a body it cannot read (a bad chunk) with a problem before the connection closes;</li>
 *   <li>the server socket's pipeline, where a gate closes sockets past the connection cap as they are
 *       accepted ({@link #gateAccepts});</li>
 *   <li>Netty's log of a failed {@code accept()} (the process is out of files): rate-limited, without a stack
 *       trace.</li>
 * </ul>
 */
final class WireAdapter {
  /** The name Vert.x gives the HTTP/1.x request decoder in a connection's pipeline. */
  static final String DECODER = "httpDecoder";
  /** The Netty logger that reports exceptions of the server channel, a failed {@code accept()} among them. */
  static final String PIPELINE_LOGGER = "io.netty.channel.DefaultChannelPipeline";

  private WireAdapter() {
  }

  /** The cluster manager, or {@code null} when {@code vertx} is not clustered. */
  static ClusterManager clusterManager(Vertx vertx) {
    return vertx.isClustered() ? ((VertxInternal) vertx).clusterManager() : null;
  }

  /** The Netty channel under a Vert.x HTTP connection. */
  static Channel channel(HttpConnection connection) {
    return ((ConnectionBase) connection).channel();
  }

  /**
   * Puts a {@link StrictRequestDecoder} in place of Vert.x's HTTP/1.x request decoder; must run before the
   * connection reads (in the server's connection handler). False when the connection has no such decoder
   * (HTTP/2).
   */
  static boolean installStrictDecoder(HttpConnection connection, HttpServerOptions options) {
    ChannelPipeline pipeline = channel(connection).pipeline();
    ChannelHandler decoder = pipeline.get(DECODER);
    if (!(decoder instanceof VertxHttpRequestDecoder) || decoder instanceof StrictRequestDecoder) {
      return false;
    }
    pipeline.replace(DECODER, DECODER, new StrictRequestDecoder(options));
    return true;
  }

  private static final AttributeKey<Boolean> ADMITTED = AttributeKey.valueOf("herald.admitted");

  /** True when the socket of {@code connection} passed the gate of {@link #gateAccepts} (not one accepted before it). */
  static boolean admitted(HttpConnection connection) {
    return Boolean.TRUE.equals(channel(connection).attr(ADMITTED).get());
  }

  /** Decides, on the thread that accepts sockets, whether a new one may be handed to an event loop. */
  interface AcceptGate {
    boolean admit();
  }

  /**
   * Puts {@code gate} in front of the server socket {@code connection} was accepted on (once per server
   * socket): a socket it does not admit is closed at once on the accepting thread, before an event loop
   * spends anything on it and before a burst of connections can take the process's last files. Runs
   * {@code installed} once the gate is in place (at once when it already is).
   */
  static void gateAccepts(HttpConnection connection, AcceptGate gate, Runnable installed) {
    Channel server = channel(connection).parent();
    if (server == null) {
      return;
    }
    if (server.pipeline().get(Gate.class) != null) {
      installed.run();
      return;
    }
    server.eventLoop().execute(() -> {
      if (server.pipeline().get(Gate.class) == null) {
        server.pipeline().addFirst(new Gate(gate));
      }
      installed.run();
    });
  }

  /** The handler of {@link #gateAccepts}: the server socket's pipeline reads accepted sockets as messages. */
  private static final class Gate extends ChannelInboundHandlerAdapter {
    private final AcceptGate gate;

    Gate(AcceptGate gate) {
      this.gate = gate;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel child) {
        if (!gate.admit()) {
          child.unsafe().closeForcibly();
          return;
        }
        child.attr(ADMITTED).set(Boolean.TRUE);
      }
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * Routes Netty's report of a failed {@code accept()} (an {@link IOException} reaching the end of the server
   * channel's pipeline, once a second while the process is out of files) to {@code log} instead of a WARN with
   * a stack trace each time. Must run before Netty creates its first channel (the start of {@code Main}).
   */
  static void routeAcceptFailures(AcceptFailureLog log) {
    // Herald logs through SLF4J, as Netty would find by itself
    Slf4JLoggerFactory netty = new Slf4JLoggerFactory();
    InternalLoggerFactory.setDefaultFactory(new InternalLoggerFactory() {
      @Override
      protected InternalLogger newInstance(String name) {
        InternalLogger logger = netty.newInstance(name);
        return PIPELINE_LOGGER.equals(name) ? acceptFailuresTo(logger, log) : logger;
      }
    });
  }

  /** Told of a failed {@code accept()}. */
  interface AcceptFailureLog {
    void acceptFailed(IOException cause);
  }

  private static InternalLogger acceptFailuresTo(InternalLogger logger, AcceptFailureLog log) {
    return (InternalLogger) Proxy.newProxyInstance(WireAdapter.class.getClassLoader(),
        new Class<?>[] {InternalLogger.class}, (proxy, method, args) -> {
          if (method.getName().equals("warn") && args != null && args.length == 2
              && args[1] instanceof IOException io) {
            log.acceptFailed(io);
            return null;
          }
          try {
            return method.invoke(logger, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** Thrown by the decoder for a request that has both {@code Content-Length} and {@code Transfer-Encoding}. */
  static final class AmbiguousLengthException extends IllegalArgumentException {
    AmbiguousLengthException() {
      super("the request has both Content-Length and Transfer-Encoding");
    }
  }

  /** Vert.x's request decoder, strict about the body length, answering what it cannot read as HTTP/1.1. */
  static final class StrictRequestDecoder extends VertxHttpRequestDecoder {
    StrictRequestDecoder(HttpServerOptions options) {
      super(options);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      throw new AmbiguousLengthException();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
      int from = out.size();
      super.decode(ctx, buffer, out);
      for (int i = from; i < out.size(); i++) {
        if (out.get(i) instanceof HttpContent content && !(content instanceof HttpMessage)
            && content.decoderResult().isFailure()) {
          // a body that cannot be read (a bad chunk): Vert.x would close the connection without a word
          Throwable cause = content.decoderResult().cause();
          while (out.size() > i) {
            ReferenceCountUtil.release(out.remove(out.size() - 1));
          }
          ctx.pipeline().firstContext().writeAndFlush(Unpooled.copiedBuffer(EdgeProblems.cannedMalformedBody(cause),
              StandardCharsets.UTF_8)).addListener(ChannelFutureListener.CLOSE);
          return;
        }
      }
    }

    @Override
    protected HttpMessage createInvalidMessage() {
      // Netty's own is HTTP/1.0 (an unreadable request line has no version), and the answer takes its version
      return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad-request", Unpooled.buffer(0));
    }
  }
}
