package dev.herald.sse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The sse module's one adapter over Vert.x and Netty internals — what breaks first on an upgrade, so it
 * is all here, each assumption pinned by {@code InternalsTest}:
 * <ul>
 *   <li>a request's context may be a duplicate of its event loop's context; {@code unwrap()} gives the
 *   loop's own, the same for every request on that loop (the key of the per-loop stream registry);</li>
 *   <li>a context's own timers run on that context, whoever sets them;</li>
 *   <li>a {@link Buffer} is a Netty {@link ByteBuf} underneath, shared without a copy both ways (frames are
 *   encoded once and joined without copying);</li>
 *   <li>an HTTP/1.x or HTTP/2 server connection is a {@code ConnectionBase} that gives its Netty channel and
 *   the context of Vert.x's handler in its pipeline (to write past the response encoder, and to close at
 *   once without waiting behind queued writes);</li>
 *   <li>a channel's outbound buffer counts the bytes written to it and not yet handed to the socket.</li>
 * </ul>
 */
final class Internals {
  private Internals() {
  }

  /** The event loop's own context behind {@code current} (which may be a duplicate of it). */
  static Context loopOf(Context current) {
    return ((ContextInternal) current).unwrap();
  }

  /** A timer whose handler runs on {@code context}. */
  static long setTimer(Context context, long delayMs, Handler<Long> handler) {
    return ((ContextInternal) context).setTimer(delayMs, handler);
  }

  /** A periodic timer whose handler runs on {@code context}. */
  static long setPeriodic(Context context, long periodMs, Handler<Long> handler) {
    return ((ContextInternal) context).setPeriodic(periodMs, handler);
  }

  /** The Netty buffer under {@code buffer}, sharing its bytes. */
  static ByteBuf byteBuf(Buffer buffer) {
    return ((BufferInternal) buffer).getByteBuf();
  }

  /** {@code buf} as a Vert.x buffer, sharing its bytes. */
  static Buffer buffer(ByteBuf buf) {
    return BufferInternal.buffer(buf);
  }

  /** The context of Vert.x's handler in the connection's Netty pipeline, or {@code null} when it has none. */
  static ChannelHandlerContext handlerContext(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? base.channelHandlerContext() : null;
  }

  /** The connection's Netty channel, or {@code null} when it has none. */
  static Channel channel(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? base.channel() : null;
  }

  /** Bytes written to {@code channel} and not yet handed to its socket. */
  static long pendingOutboundBytes(Channel channel) {
    ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }
}
