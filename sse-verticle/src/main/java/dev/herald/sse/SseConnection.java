package dev.herald.sse;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * The SSE response of one stream, written on its loop only: headers and first bytes, frame writes
 * with an exact count of the bytes the node still holds for it, keep-alive pings, eviction and close.
 *
 * <p>Bound (G5): every write adds its size to {@link #queued()} and its completion (Netty wrote it to
 * the socket, or the connection died) takes it off again. A write that leaves more than
 * {@code maxQueuedBytes} queued evicts the stream: the connection is closed and the node drops all it
 * held for it. So a stalled client never costs more than {@code maxQueuedBytes} plus one frame.
 * {@code setWriteQueueMaxSize} is set too (it becomes Netty's write-buffer high-water mark), but
 * {@code writeQueueFull()} is not consulted: in Vert.x 5.0 an HTTP/1.x response reports it only once
 * Netty's buffer is past the mark and 16 more writes wait in Vert.x's own queue, so it would let a
 * stalled client cost up to 16 frames more (see {@code WriteQueueBehaviourTest}); the count here
 * covers both buffers and trips first.
 *
 * <p>Writes past the encoder: on HTTP/1.1, once the head and the first bytes are out, frames are
 * written from the response encoder's own pipeline context, so they skip it, already framed as HTTP
 * chunks ({@link Chunks}: one shared chunk per frame per loop, instead of the encoder allocating a
 * chunk head and passing three buffers per write), with no completion callback. The bytes the node
 * holds are then Netty's pending outbound bytes for the connection (exact: in strict thread mode every
 * write of this connection goes straight to its channel), and a writer waiting for the client to catch
 * up ({@link #whenDrained}) is woken by an empty write whose completion says everything before it
 * reached the socket. The end of the stream ({@code response.end()}) still goes through the encoder,
 * which is still in its chunked state. HTTP/2, HTTP/1.0 and pipelines without that encoder write
 * through Vert.x as above.
 */
final class SseConnection extends StreamSet.Member {
  static final String CLIENT = "client";
  static final String EVICTED = "evicted";
  static final String SHUTDOWN = "shutdown";
  static final String UNAVAILABLE = "unavailable";
  static final String DRAIN = "drain";
  static final String EXPIRED = "expired";

  /** Told once when the connection closes, for whatever reason. */
  interface Owner {
    void closed(String reason);
  }

  /*
   * Memory (idle streams are the node's bulk): the stream keeps the response and the connection, not the
   * request. A request from a router is a wrapper that holds its RoutingContext (data map, parsed params,
   * forwarded parser...) for as long as it is referenced; the remote address is read once, at the start.
   * Until the head is out it keeps the request's header and parameter maps and empties them then, with the
   * response's headers: the connection keeps its request and response for the stream's life, and with them
   * every header a browser sent (user agent, cookies, languages: often 1-2 KB of strings) and the map entries.
   */
  private final HttpServerResponse response;
  private final HttpConnection httpConnection;
  /** The request's headers and query parameters, emptied once the head is out (null after). */
  private MultiMap requestHeaders;
  private MultiMap requestParams;
  private final boolean http2;
  private final String remoteAddress;
  private final long maxQueued;
  private final Chunks chunks;
  /** Where frames go past the encoder when given (a socket-less pipeline, for benchmarks); else found on start. */
  private final ChannelHandlerContext encoder;
  /** The HTTP/1.1 response encoder's context once the head is out, for writes that skip it; else null. */
  private ChannelHandlerContext past;
  private Owner owner;
  /** Bytes written through Vert.x and not yet handed to the socket (when not writing past the encoder). */
  private long queued;
  /** Ping ticks since the last write; a write resets it (no clock read on the delivery path). */
  private int idleTicks;
  private boolean started;
  private boolean closed;
  private Runnable onDrain;

  SseConnection(HttpServerRequest request, long maxQueued) {
    this(request, maxQueued, null);
  }

  /** @param chunks the loop's chunk framing, to write past the encoder on HTTP/1.1; null to write through Vert.x */
  SseConnection(HttpServerRequest request, long maxQueued, Chunks chunks) {
    this(request, maxQueued, chunks, null);
  }

  /**
   * @param encoder the context of an {@link HttpResponseEncoder} to write frames past, instead of the one in
   *                the request's connection (benchmarks give a pipeline of their own, without a socket)
   */
  SseConnection(HttpServerRequest request, long maxQueued, Chunks chunks, ChannelHandlerContext encoder) {
    this.encoder = encoder;
    this.response = request.response();
    this.httpConnection = request.connection();
    this.http2 = request.version() == HttpVersion.HTTP_2;
    this.remoteAddress = request.remoteAddress() == null ? null : request.remoteAddress().toString();
    this.requestHeaders = request.headers();
    this.requestParams = request.params();
    this.maxQueued = maxQueued;
    this.chunks = request.version() == HttpVersion.HTTP_1_1 ? chunks : null;
  }

  /** Starts watching the connection; {@code owner} hears of the close. */
  void bind(Owner owner) {
    this.owner = owner;
    response.closeHandler(v -> close(CLIENT));
    response.exceptionHandler(t -> close(CLIENT));
  }

  /** The client's address as {@code host:port} ({@code null} when unknown), for {@code StreamInfo}. */
  String remoteAddress() {
    return remoteAddress;
  }

  /** Sends the 200, the SSE headers and the first bytes. */
  void start(Buffer prelude) {
    if (closed) {
      return;
    }
    eventStream(response).setWriteQueueMaxSize((int) Math.min(Integer.MAX_VALUE, maxQueued));
    started = true;
    write(prelude);
    ChannelHandlerContext handler = chunks == null || closed ? null
        : encoder != null ? encoder : Internals.handlerContext(httpConnection);
    if (handler != null) {
      // the head went out with the prelude: the encoder is in its chunked state from here on
      past = handler.pipeline().context(HttpResponseEncoder.class);
    }
    // The head is out (the first write sends it): handlers waiting for it (a router's headers-end hook,
    // which captures its RoutingContext) have run and would otherwise stay referenced for the stream's
    // whole life.
    response.headersEndHandler(null);
    forgetHeaders();
  }

  /**
   * Empties the maps an open stream no longer reads: the request's headers and parameters (the route read
   * what it needed, the handlers at the head's end — CORS, security headers — have run) and the response's
   * headers, which are on the wire.
   */
  private void forgetHeaders() {
    if (requestHeaders != null && !closed) {
      requestHeaders.clear();
      requestParams.clear();
      response.headers().clear();
    }
    requestHeaders = null;
    requestParams = null;
  }

  /** Sets the 200 and the SSE headers of docs/http-api.md#streams on {@code response}. */
  static HttpServerResponse eventStream(HttpServerResponse response) {
    return response.setStatusCode(200)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache, no-transform")
        .putHeader("X-Accel-Buffering", "no")
        .setChunked(true);
  }

  boolean isClosed() {
    return closed;
  }

  /** Bytes written to this stream that the node still holds (not yet handed to the socket). */
  long queued() {
    if (past == null) {
      return queued;
    }
    return Internals.pendingOutboundBytes(past.channel());
  }

  /** True when frames go out past the encoder (see the class comment). */
  boolean writesChunks() {
    return past != null;
  }

  /**
   * Writes one frame; evicts the stream when that leaves more than {@code maxQueuedBytes} queued.
   *
   * @return true when the stream is still open
   */
  boolean write(Buffer frame) {
    if (closed || !started) {
      return false;
    }
    idleTicks = 0;
    ChannelHandlerContext ctx = past;
    if (ctx != null) {
      ctx.writeAndFlush(chunks.of(frame), ctx.voidPromise());
    } else {
      int len = frame.length();
      queued += len;
      response.write(frame).onComplete(ar -> written(len));
    }
    if (closed) {
      return false;
    }
    if (queued() > maxQueued) { // tighter than response.writeQueueFull(), which would be true later still
      close(EVICTED);
      return false;
    }
    return true;
  }

  /**
   * Called on every ping tick of the loop; writes a keep-alive comment once {@code ticks} ticks passed
   * without a write (the loop ticks {@link LoopStreams#PING_TICKS} times per {@code sse.pingInterval}).
   */
  void tick(int ticks) {
    if (started && !closed && ++idleTicks >= ticks) {
      write(SseFrames.PING);
    }
  }

  /**
   * Runs {@code next} once the bytes queued fall to a quarter of the bound (at once when they are);
   * for writers that can wait, like replay, so a slow but healthy client is not evicted by history.
   */
  void whenDrained(Runnable next) {
    if (queued() <= maxQueued / 4) {
      next.run();
    } else {
      onDrain = next;
      probe();
    }
  }

  /** True when a waiting writer should pause before writing more. */
  boolean congested() {
    return queued() > maxQueued / 2;
  }

  /**
   * Past the encoder: an empty write whose completion means all written before it reached the socket. The
   * waiting writer resumes in a task of its own, not inside Netty's completion of the write: a writer that
   * writes and probes again from there (a replay whose next page the store answered at once) would add an
   * empty write that the same completion loop finishes at once, and so on without end.
   */
  private void probe() {
    ChannelHandlerContext ctx = past;
    if (ctx != null && !closed) {
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER, ctx.newPromise().addListener((ChannelFutureListener) f -> {
        if (f.isSuccess()) {
          ctx.executor().execute(() -> {
            written(0);
            if (onDrain != null) {
              probe();
            }
          });
        }
      }));
    }
  }

  /** Closes the stream; the first reason wins. The owner hears of it once. */
  void close(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    onDrain = null;
    switch (reason) {
      case EVICTED -> hardClose();
      case SHUTDOWN, UNAVAILABLE, DRAIN, EXPIRED -> {
        if (started && !response.ended()) {
          response.end();
        } else if (!started) {
          Problems.send(response, 503, Problems.UNAVAILABLE, "Service unavailable",
              "This node cannot serve streams right now; retry, possibly on another node.");
        }
      }
      default -> {
        // the client went away: nothing left to write
      }
    }
    if (owner != null) {
      owner.closed(reason);
    }
  }

  /**
   * Ends the stream for a draining node: a {@code retry:} hint of {@code retryMs}, then the end (a stream
   * that has not started yet gets the 200 and the hint only), so the client reconnects after
   * {@code retryMs}, elsewhere, with its last id. The owner hears {@link #DRAIN}.
   */
  void drain(long retryMs) {
    if (closed) {
      return;
    }
    if (started) {
      write(SseFrames.retry(retryMs));
    } else {
      start(SseFrames.retry(retryMs));
    }
    close(DRAIN);
  }

  /**
   * Ends the stream because its token expired: a last {@code herald.expired} event (no id, so the client's
   * last id stays the last event it got), then the end. The owner hears {@link #EXPIRED}.
   *
   * @param frame the {@code herald.expired} event in the stream's envelope
   */
  void expire(Buffer frame) {
    if (closed) {
      return;
    }
    if (started) {
      write(frame);
    }
    close(EXPIRED);
  }

  /** Answers with a problem instead of a stream (before {@link #start}); the owner hears {@code reason}. */
  void refuse(int status, String type, String title, String detail, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    Problems.send(response, status, type, title, detail);
    if (owner != null) {
      owner.closed(reason);
    }
  }

  private void written(int len) {
    queued -= len;
    Runnable next = onDrain;
    if (next != null && queued() <= maxQueued / 4) {
      onDrain = null;
      next.run();
    }
  }

  /**
   * Drops the connection at once. {@code HttpConnection.close()} (and {@code Channel.close()}, which
   * Vert.x's pipeline handler intercepts) is no use here: Vert.x 5 closes gracefully, behind the writes
   * already queued, so for a client that stopped reading it would never happen and the node would keep
   * holding the bytes (see {@code EvictionTest}). Closing from Vert.x's own handler context towards the
   * socket fails the pending writes, frees their buffers and closes the socket now.
   */
  private void hardClose() {
    if (http2) {
      response.reset();
    } else if (Internals.handlerContext(httpConnection) != null) {
      Internals.handlerContext(httpConnection).close();
    } else {
      httpConnection.close();
    }
  }
}
