package dev.herald.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One SSE subscriber: its connection (the only handler in the pipeline), the HTTP and SSE parsers,
 * and what it received of each of its channels. Pinned to one event loop; it reconnects with its
 * last event id, like an EventSource, when the server drops it while the run goes on.
 */
@ChannelHandler.Sharable // one connection at a time, always on the same loop
final class Subscriber extends ChannelInboundHandlerAdapter
    implements HttpResponseParser.Handler, SseParser.Listener {
  private static final byte[] GAP_EVENT = "herald.gap".getBytes(StandardCharsets.US_ASCII);

  enum State { IDLE, CONNECTING, OPEN, CLOSED, FAILED }

  private final SubscriberPool pool;
  private final LoopStats stats;
  private final Target target;
  private final String path;
  private final int[] channels;
  private final SeqTracker[] trackers;
  private final HttpResponseParser http = new HttpResponseParser(this);
  private final SseParser sse = new SseParser(this);
  private Channel channel;
  private volatile State state = State.IDLE;
  private boolean closing;
  private boolean settled;
  private boolean managed;
  private volatile boolean everOpened;
  private long attemptNanos;
  private long nowNanos;
  private long nowMicros;
  private long gaps;
  private long foreign;
  private long drops;
  private long reconnects;
  private String failure;
  private long catchUpTarget;
  private boolean caughtUp;
  private long caughtUpNanos;

  Subscriber(SubscriberPool pool, LoopStats stats, Target target, String path, int[] channels) {
    this.pool = pool;
    this.stats = stats;
    this.target = target;
    this.path = path;
    this.channels = channels;
    this.trackers = new SeqTracker[channels.length];
    for (int i = 0; i < channels.length; i++) {
      trackers[i] = new SeqTracker();
    }
  }

  /** Opens the stream (again, with {@code Last-Event-ID} when an id was seen); any thread. */
  void connect() {
    stats.loop().execute(() -> {
      closing = false;
      connectOnLoop(true);
    });
  }

  /** Reconnects after {@code delayMillis} unless closed on purpose or the run ended meanwhile. */
  private void retryLater(long delayMillis) {
    reconnects++;
    state = State.CONNECTING;
    stats.loop().schedule(() -> {
      if (!closing && pool.running()) {
        connectOnLoop(false);
      } else {
        state = State.CLOSED;
      }
    }, delayMillis, TimeUnit.MILLISECONDS);
  }

  private void connectOnLoop(boolean managed) {
    this.managed = managed;
    state = State.CONNECTING;
    settled = false;
    attemptNanos = System.nanoTime();
    pool.net().connect(stats, target.address(), this).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        settle(false, "connect: " + f.cause().getClass().getSimpleName() + " " + f.cause().getMessage());
      }
    });
  }

  /**
   * Closes the stream on purpose (no reconnect); {@code reset} closes with RST so no TIME_WAIT is left
   * behind. Any thread.
   */
  void close(boolean reset) {
    stats.loop().execute(() -> {
      closing = true;
      Channel c = channel;
      if (c != null && c.isOpen()) {
        if (reset) {
          c.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        c.close();
      } else if (state == State.CONNECTING || state == State.OPEN) {
        state = State.CLOSED;
      }
    });
  }

  /** Marks caught-up once every channel has {@code distinctPerChannel} distinct events (replay storm). */
  void watchCatchUp(long distinctPerChannel) {
    this.catchUpTarget = distinctPerChannel;
    this.caughtUp = false;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    if (closing) {
      ctx.close();
      return;
    }
    http.reset();
    sse.resetStream();
    StringBuilder req = new StringBuilder(128 + path.length());
    req.append("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(target.hostHeader())
        .append("\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n");
    if (sse.lastIdLength() > 0) {
      req.append("Last-Event-ID: ").append(sse.lastIdString()).append("\r\n");
    }
    req.append("\r\n");
    ctx.writeAndFlush(Unpooled.wrappedBuffer(req.toString().getBytes(StandardCharsets.UTF_8)));
    long timeout = pool.headerTimeoutNanos();
    ctx.executor().schedule(() -> {
      if (!settled && ctx.channel() == channel) {
        settle(false, "no response headers within " + TimeUnit.NANOSECONDS.toSeconds(timeout) + " s");
        ctx.close();
      }
    }, timeout, TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    try {
      nowNanos = System.nanoTime();
      nowMicros = Clock.micros(nowNanos);
      if (buf.hasArray()) {
        http.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
      } else {
        byte[] s = stats.scratch;
        while (buf.isReadable()) {
          int n = Math.min(buf.readableBytes(), s.length);
          buf.readBytes(s, 0, n);
          http.feed(s, 0, n);
        }
      }
    } catch (HttpResponseParser.ProtocolException e) {
      settle(false, "bad response: " + e.getMessage());
      ctx.close();
    } finally {
      buf.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    http.closed();
    channel = null;
    if (!settled) {
      settle(false, "closed before the response headers"); // may schedule a retry
      return;
    }
    if (state == State.OPEN && !closing) {
      drops++;
      pool.dropped();
      long delay = pool.reconnectDelayMillis();
      if (delay > 0 && pool.running()) {
        retryLater(delay);
        return;
      }
    }
    if (state != State.FAILED) {
      state = State.CLOSED;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!settled) {
      settle(false, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
    ctx.close();
  }

  @Override
  public void onStatus(int status) {
    // judged when the headers end
  }

  @Override
  public void onHeadersEnd() {
    if (http.status() == 200) {
      state = State.OPEN;
      everOpened = true;
      settle(true, null);
    } else {
      settle(false, "HTTP " + http.status());
      if (channel != null) {
        channel.close();
      }
    }
  }

  @Override
  public void onBody(byte[] b, int off, int len) {
    if (state == State.OPEN) {
      sse.feed(b, off, len);
    }
  }

  @Override
  public void onEnd() {
    if (channel != null) {
      channel.close(); // the server ended the stream
    }
  }

  @Override
  public void onEvent(SseParser e) {
    long[] tok = stats.token;
    if (!Payload.decode(e.data(), 0, e.dataLength(), tok)) {
      if (e.eventIs(GAP_EVENT)) {
        gaps++;
      } else {
        foreign++;
      }
      return;
    }
    int slot = -1;
    for (int k = 0; k < channels.length; k++) {
      if (channels[k] == tok[0]) {
        slot = k;
        break;
      }
    }
    if (slot < 0 || tok[1] < 1) {
      foreign++;
      return;
    }
    SeqTracker.Arrival a = trackers[slot].arrive(tok[1]);
    stats.delivered++;
    if (a != SeqTracker.Arrival.DUPLICATE) {
      stats.distinct++;
      stats.lastDeliveryNanos = nowNanos;
      stats.latency.record(nowMicros - tok[2]);
      if (catchUpTarget > 0 && !caughtUp && allCaughtUp()) {
        caughtUp = true;
        caughtUpNanos = nowNanos;
        stats.caughtUp++;
      }
    }
  }

  private boolean allCaughtUp() {
    for (SeqTracker t : trackers) {
      if (t.distinct() < catchUpTarget) {
        return false;
      }
    }
    return true;
  }

  private void settle(boolean ok, String why) {
    if (settled) {
      return;
    }
    settled = true;
    if (!ok) {
      failure = why;
      state = State.FAILED;
    }
    pool.settled(this, managed, ok, why, System.nanoTime() - attemptNanos);
    if (!ok && !managed && !closing && pool.running()) {
      retryLater(pool.reconnectDelayMillis()); // the server may be restarting: keep trying, like an EventSource
    }
  }

  // read by the main thread after a barrier

  /** True once any stream of this subscriber was open (its events are expected). */
  boolean everOpened() {
    return everOpened;
  }

  State state() {
    return state;
  }

  int[] channels() {
    return channels;
  }

  SeqTracker tracker(int slot) {
    return trackers[slot];
  }

  long gaps() {
    return gaps;
  }

  long foreign() {
    return foreign;
  }

  long drops() {
    return drops;
  }

  long reconnects() {
    return reconnects;
  }

  String failure() {
    return failure;
  }

  boolean hasLastId() {
    return sse.lastIdLength() > 0;
  }

  long caughtUpNanos() {
    return caughtUp ? caughtUpNanos : 0;
  }
}
