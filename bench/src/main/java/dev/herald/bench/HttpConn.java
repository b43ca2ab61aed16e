package dev.herald.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;

/**
 * A keep-alive HTTP/1.1 client connection for requests that answer quickly (publishes, heartbeats):
 * requests may be pipelined; responses come back in order and are matched first in, first out.
 * Remembers the value of one cookie the last response set. Confined to its event loop.
 */
final class HttpConn extends ChannelInboundHandlerAdapter implements HttpResponseParser.Handler {
  /** Hears the responses. */
  interface Client {
    /** A response (or, with {@code status} -1, the connection died before it came). */
    void onResponse(HttpConn conn, int status, long latencyNanos);
  }

  private static final byte[] SET_COOKIE = "set-cookie".getBytes(StandardCharsets.US_ASCII);

  private final LoopStats loop;
  private final Target target;
  private Client client;
  private final HttpResponseParser http = new HttpResponseParser(this);
  private final byte[] cookiePrefix;
  private long[] sentAt = new long[16];
  private int head;
  private int inFlight;
  private Channel channel;
  private String cookie;
  private boolean writesPending;
  private boolean reading;

  HttpConn(LoopStats loop, Target target, Client client, String cookieName) {
    this.loop = loop;
    this.target = target;
    this.client = client;
    this.cookiePrefix = cookieName == null ? null : (cookieName + "=").getBytes(StandardCharsets.US_ASCII);
  }

  /** Connects; the future completes when the connection is up. */
  ChannelFuture connect(Net net) {
    return net.connect(loop, target.address(), this);
  }

  /** Sends the answers of requests written from now on to {@code client} (on the loop, nothing in flight). */
  void client(Client client) {
    this.client = client;
  }

  LoopStats loop() {
    return loop;
  }

  Target target() {
    return target;
  }

  int inFlight() {
    return inFlight;
  }

  boolean isOpen() {
    return channel != null && channel.isActive();
  }

  io.netty.buffer.ByteBufAllocator alloc() {
    return channel.alloc();
  }

  /** Writes one request (not flushed); the connection must be open. */
  void send(ByteBuf request) {
    if (inFlight == sentAt.length) {
      long[] bigger = new long[sentAt.length * 2];
      for (int i = 0; i < inFlight; i++) {
        bigger[i] = sentAt[(head + i) % sentAt.length];
      }
      sentAt = bigger;
      head = 0;
    }
    sentAt[(head + inFlight) % sentAt.length] = System.nanoTime();
    inFlight++;
    channel.write(request, channel.voidPromise());
    writesPending = true;
  }

  /** Flushes what was written; while a read is being handled, once that read is done (fewer writes). */
  void flush() {
    if (writesPending && channel != null && !reading) {
      writesPending = false;
      channel.flush();
    }
  }

  /** The value of the cookie set by the last response that set it, or null. */
  String takeCookie() {
    String c = cookie;
    cookie = null;
    return c;
  }

  void close() {
    if (channel != null) {
      channel.close();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    http.reset();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    reading = true;
    try {
      byte[] s = loop.scratch;
      while (buf.isReadable()) {
        int n = Math.min(buf.readableBytes(), s.length);
        buf.readBytes(s, 0, n);
        http.feed(s, 0, n);
      }
    } catch (HttpResponseParser.ProtocolException e) {
      ctx.close();
    } finally {
      buf.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    reading = false;
    flush();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    reading = false;
    http.closed();
    channel = null;
    while (inFlight > 0) {
      long t = sentAt[head];
      head = (head + 1) % sentAt.length;
      inFlight--;
      client.onResponse(this, -1, System.nanoTime() - t);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  @Override
  public void onStatus(int status) {
  }

  @Override
  public void onHeader(byte[] b, int nameOff, int nameLen, int valueOff, int valueLen) {
    if (cookiePrefix != null && HttpResponseParser.equalsIgnoreCase(b, nameOff, nameLen, SET_COOKIE)
        && valueLen > cookiePrefix.length && java.util.Arrays.equals(b, valueOff, valueOff + cookiePrefix.length,
            cookiePrefix, 0, cookiePrefix.length)) {
      int end = valueOff + cookiePrefix.length;
      while (end < valueOff + valueLen && b[end] != ';') {
        end++;
      }
      cookie = new String(b, valueOff + cookiePrefix.length, end - valueOff - cookiePrefix.length,
          StandardCharsets.US_ASCII);
    }
  }

  @Override
  public void onHeadersEnd() {
  }

  @Override
  public void onBody(byte[] b, int off, int len) {
  }

  @Override
  public void onEnd() {
    if (inFlight == 0) {
      return; // an answer to nothing (should not happen)
    }
    long t = sentAt[head];
    head = (head + 1) % sentAt.length;
    inFlight--;
    client.onResponse(this, http.status(), System.nanoTime() - t);
  }
}
