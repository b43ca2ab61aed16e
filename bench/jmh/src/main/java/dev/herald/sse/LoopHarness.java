package dev.herald.sse;

import dev.herald.bench.jmh.Events;
import dev.herald.replay.api.HistoryAddresses;
import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.HistoryClient;
import dev.herald.replay.api.ChannelHead;
import dev.herald.replay.api.HeadsReply;
import dev.herald.replay.api.HeadsRequest;
import io.vertx.core.json.JsonObject;
import dev.herald.sse.api.SseAddresses;
import dev.herald.sse.api.SseOptions;
import dev.herald.sse.api.StreamInfo;
import dev.herald.sse.api.StreamListener;
import dev.herald.sse.api.StreamRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One event loop's streams, as production builds them, without sockets: a real {@link Vertx} (one
 * event loop), the real {@link NodeStreams}, {@link Fanout} and {@link LoopStreams}, and
 * {@code streams} real {@link ChannelStream}s opened through their normal path (subscribe, 200, first
 * bytes, live) whose responses are {@link CountingResponse}s, written the way HTTP/1.1 streams are (past the
 * response encoder, through a socket-less Netty pipeline). Each stream follows
 * {@code channelsPerStream} channels ({@link Events#channel} 0..k-1) and has a position in every one
 * (one event per channel is delivered during setup), so a multi-channel stream's id covers k channels.
 *
 * <p>{@link #deliver} calls {@link LoopStreams#deliver} on the caller's thread: the per-loop fan-out
 * loop itself, minus the {@code runOnContext} hop that brings an event to the loop. Everything the loop
 * thread did during setup happens-before it (the setup waits on it), and the loop thread then stays idle:
 * the ping period is an hour and setup waits until the streams' catch-up reads are past
 * ({@link ChannelStream#CATCH_UP_LAST_MS}; with no position yet they read nothing).
 */
final class LoopHarness implements AutoCloseable {
  private static final long SETUP_TIMEOUT_S = 60;

  private final Vertx vertx;
  private final LoopStreams loop;
  private final List<CountingResponse> responses;
  private final List<SseConnection> connections;
  private final int channelsPerStream;

  private LoopHarness(Vertx vertx, LoopStreams loop, List<CountingResponse> responses, List<SseConnection> connections,
                      int channelsPerStream) {
    this.vertx = vertx;
    this.loop = loop;
    this.responses = responses;
    this.connections = connections;
    this.channelsPerStream = channelsPerStream;
  }

  /** Opens {@code streams} live streams of {@code channelsPerStream} channels each; takes about 5 s. */
  static LoopHarness open(int streams, int channelsPerStream) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1));
    try {
      return build(vertx, streams, channelsPerStream);
    } catch (Exception | Error e) {
      vertx.close();
      throw e;
    }
  }

  private static LoopHarness build(Vertx vertx, int streams, int channelsPerStream) throws Exception {
    // called from a thread Vert.x does not own, each call makes a new event-loop context
    Context loopContext = vertx.getOrCreateContext();
    Context fanoutContext = vertx.getOrCreateContext();
    if (loopContext == fanoutContext) {
      throw new IllegalStateException("the harness needs two contexts; call open() from a non-Vert.x thread");
    }
    SseMetrics metrics = new SseMetrics(new SimpleMeterRegistry());
    HistoryClient history = new HistoryClient(vertx.eventBus(), HistoryAddresses.DEFAULT, 5_000);
    SseOptions options = new SseOptions(Duration.ofHours(1), Duration.ofSeconds(2), 1 << 20, 32, 1_000_000, false);
    CountDownLatch opened = new CountDownLatch(streams);
    StreamListener listener = new StreamListener() {
      @Override
      public void opened(StreamInfo stream) {
        opened.countDown();
      }

      @Override
      public void closed(StreamInfo stream, String reason) {
        // a closed stream shows as missing writes in verify()
      }
    };
    // no replay verticle here: the streams start at each channel's head, just before the first event delivered
    vertx.eventBus().<JsonObject>consumer(HistoryAddresses.DEFAULT.heads(), m -> {
      List<String> channels = HeadsRequest.fromJson(m.body()).channels();
      m.reply(new HeadsReply(channels.stream().map(channel -> new ChannelHead(channel, Events.EPOCH, Events.SEQ - 1,
          Events.PUBLISHED_AT / 1000)).toList()).toJson());
    }).completion().toCompletionStage().toCompletableFuture().get(SETUP_TIMEOUT_S, TimeUnit.SECONDS);
    NodeStreams node = new NodeStreams(options, SseAddresses.DEFAULT, history, "bench", listener, metrics);
    Fanout fanout = new Fanout(vertx, fanoutContext, history, metrics);
    node.start(vertx, fanout);
    LoopStreams loop = new LoopStreams(loopContext, fanout, metrics, options.pingInterval().toMillis());

    List<String> channels = new ArrayList<>(channelsPerStream);
    for (int i = 0; i < channelsPerStream; i++) {
      channels.add(Events.channel(i));
    }
    StreamRequest request = new StreamRequest(channels, null, false, null, null);
    List<CountingResponse> responses = new ArrayList<>(streams);
    List<SseConnection> connections = new ArrayList<>(streams);
    CompletableFuture<Void> started = new CompletableFuture<>();
    loopContext.runOnContext(v -> {
      for (int i = 0; i < streams; i++) {
        CountingResponse response = new CountingResponse();
        responses.add(response);
        SseConnection connection = new SseConnection(CountingResponse.requestFor(response), options.maxQueuedBytes(),
            loop.chunks(), response.encoder());
        connections.add(connection);
        new ChannelStream(node, loop, connection, request).open();
      }
      started.complete(null);
    });
    started.get(SETUP_TIMEOUT_S, TimeUnit.SECONDS);
    if (!opened.await(SETUP_TIMEOUT_S, TimeUnit.SECONDS)) {
      throw new TimeoutException((streams - opened.getCount()) + " of " + streams + " streams opened");
    }
    // Let the streams' catch-up timers (relative to the channels' registration) pass on the loop.
    CompletableFuture<Void> quiet = new CompletableFuture<>();
    Internals.setTimer(loopContext, ChannelStream.CATCH_UP_LAST_MS + 500, id -> quiet.complete(null));
    quiet.get(SETUP_TIMEOUT_S, TimeUnit.SECONDS);

    LoopHarness h = new LoopHarness(vertx, loop, responses, connections, channelsPerStream);
    for (int i = 0; i < channelsPerStream; i++) {
      h.deliver(new EncodedEvent(Events.event(channels.get(i), Events.SEQ, "{\"seed\":true}")));
    }
    h.verify(0);
    return h;
  }

  /** The per-loop delivery of one event to every stream of its channel on this loop. */
  void deliver(EncodedEvent event) {
    loop.deliver(event);
  }

  /** The last sequence number written to channel 0 during setup; deliver from the next one on. */
  long lastSeq() {
    return Events.SEQ;
  }

  /**
   * Checks that every stream got its first bytes, the setup events and {@code delivered} more frames.
   *
   * @throws IllegalStateException naming the first stream that did not
   */
  void verify(long delivered) {
    long expected = 1 + channelsPerStream + delivered;
    for (int i = 0; i < responses.size(); i++) {
      if (!connections.get(i).writesChunks()) {
        throw new IllegalStateException("stream " + i + " does not write past the encoder as HTTP/1.1 streams do");
      }
      long got = responses.get(i).writes();
      if (got != expected) {
        throw new IllegalStateException("stream " + i + " of " + responses.size() + " has " + got
            + " writes, expected " + expected);
      }
    }
  }

  /** Bytes written to all streams so far. */
  long bytes() {
    long sum = 0;
    for (CountingResponse r : responses) {
      sum += r.bytes();
    }
    return sum;
  }

  @Override
  public void close() throws ExecutionException, TimeoutException {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(SETUP_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while closing Vert.x", e);
    }
  }
}
