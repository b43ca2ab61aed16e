package dev.herald.sse;

import dev.herald.replay.api.HistoryClient;
import dev.herald.replay.api.Names;
import dev.herald.sse.api.SseAddresses;
import dev.herald.sse.api.SseOptions;
import dev.herald.sse.api.SseStreams;
import dev.herald.sse.api.StreamClosed;
import dev.herald.sse.api.StreamInfo;
import dev.herald.sse.api.StreamListener;
import dev.herald.sse.api.StreamRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@link SseStreams}: finds the calling loop's registry, enforces {@code sse.maxStreams},
 * starts channel and topic streams, and announces opens and closes (listener and event bus).
 */
final class NodeStreams implements SseStreams {
  private static final Logger LOG = LoggerFactory.getLogger(NodeStreams.class);
  /** Evictions come in floods when a proxy or a network stalls many clients at once. */
  private static final RateLimitedLog EVICTIONS = new RateLimitedLog(LOG, Duration.ofSeconds(10));

  private final SseOptions options;
  private final SseAddresses addresses;
  private final HistoryClient history;
  private final String nodeId;
  private final StreamListener listener;
  private final SseMetrics metrics;
  private final Buffer prelude;
  private final Map<Context, LoopStreams> loops = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  /** Open streams of Herald's own (every channel reserved: the readiness canary), left out of openStreams(). */
  private final java.util.concurrent.atomic.AtomicInteger ownStreams = new java.util.concurrent.atomic.AtomicInteger();
  private volatile Fanout fanout;
  private volatile Vertx vertx;
  private volatile boolean draining;
  private volatile long drainRetryMs;
  private volatile boolean catchUp;

  NodeStreams(SseOptions options, SseAddresses addresses, HistoryClient history, String nodeId,
              StreamListener listener, SseMetrics metrics) {
    this.options = options;
    this.addresses = addresses;
    this.history = history;
    this.nodeId = nodeId;
    this.listener = listener;
    this.metrics = metrics;
    this.prelude = SseFrames.prelude(options.retryTimeout().toMillis(), options.padding());
  }

  /** Accepts streams from now on, fanning out through {@code fanout}. */
  void start(Vertx vertx, Fanout fanout) {
    this.vertx = vertx;
    this.fanout = fanout;
    this.catchUp = vertx.isClustered();
  }

  /**
   * Whether streams re-read history after their node newly consumes a channel: needed only on a
   * clustered event bus, where other nodes learn of a new consumer a moment late (see ChannelStream).
   */
  boolean catchUp() {
    return catchUp;
  }

  /** Tests: turns catch-up on without a cluster. */
  void catchUp(boolean on) {
    this.catchUp = on;
  }

  @Override
  public void open(HttpServerRequest request, StreamRequest stream) {
    String problem = check(stream);
    if (problem != null) {
      Problems.send(request.response(), 400, Problems.INVALID_STREAM, "Invalid stream request", problem);
      return;
    }
    LoopStreams loop = admit(request);
    if (loop != null) {
      new ChannelStream(this, loop, new SseConnection(request, options.maxQueuedBytes(), loop.chunks()), stream).open();
    }
  }

  @Override
  public void openTopic(HttpServerRequest request, Map<String, String> events, long expiresAt) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a topic stream needs at least one address");
    }
    events.values().forEach(e -> {
      if (!Names.isValidEvent(e)) {
        throw new IllegalArgumentException("invalid SSE event name: " + e);
      }
    });
    LoopStreams loop = admit(request);
    if (loop != null) {
      new TopicStream(this, loop, new SseConnection(request, options.maxQueuedBytes(), loop.chunks()), events,
          expiresAt).open();
    }
  }

  @Override
  public int openStreams() {
    return metrics.openStreams() - ownStreams.get();
  }

  /** The calling loop's registry with a stream slot taken, or null after answering 503 itself. */
  /** The loops that have had streams, for tests in this package. */
  Collection<LoopStreams> loops() {
    return loops.values();
  }

  private LoopStreams admit(HttpServerRequest request) {
    Context current = Vertx.currentContext();
    if (current == null || !current.isEventLoopContext()) {
      throw new IllegalStateException("SseStreams.open must be called on the request's event loop");
    }
    Fanout f = fanout;
    if (draining) {
      // Not a 503: an EventSource that gets one stops for good. A short stream with a short retry makes
      // it reconnect, through the load balancer, to a node that is not draining.
      long retry = drainRetryMs + ThreadLocalRandom.current().nextLong(drainRetryMs + 1);
      SseConnection.eventStream(request.response())
          .end(SseFrames.turnAway(retry, "this node is draining; reconnect to another node"));
      return null;
    }
    if (f == null) {
      Problems.send(request.response(), 503, Problems.UNAVAILABLE, "Service unavailable",
          "This node is not accepting streams (starting or stopping); retry, possibly on another node.");
      return null;
    }
    if (!metrics.tryOpen(options.maxStreams())) {
      Problems.send(request.response(), 503, Problems.TOO_MANY_STREAMS, "Too many streams",
          "This node already serves its maximum of " + options.maxStreams()
              + " streams (sse.maxStreams); retry later or on another node.");
      return null;
    }
    Context base = Internals.loopOf(current);
    return loops.computeIfAbsent(base,
        c -> new LoopStreams(base, f, metrics, options.pingInterval().toMillis()));
  }

  private String check(StreamRequest stream) {
    List<String> channels = stream.channels();
    if (channels.isEmpty()) {
      return "a stream needs at least one channel";
    }
    if (channels.size() > options.maxChannelsPerStream()) {
      return "a stream may follow at most " + options.maxChannelsPerStream() + " channels (sse.maxChannelsPerStream)";
    }
    if (new HashSet<>(channels).size() != channels.size()) {
      return "a channel is named twice";
    }
    for (String c : channels) {
      String p = Names.channelProblem(c);
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  /** A stream got its 200: tell the listener and the cluster. Returns what is known of it. */
  StreamInfo opened(String remote, List<String> channels, String sessionId, String userId) {
    StreamInfo info = new StreamInfo(nodeId + "-" + ids.incrementAndGet(), nodeId, channels, sessionId, userId,
        remote, System.currentTimeMillis());
    LOG.debug("stream {} opened on {} ({})", info.streamId(), channels, remote);
    if (own(channels)) {
      ownStreams.incrementAndGet();
    }
    if (listener != null) {
      try {
        listener.opened(info);
      } catch (RuntimeException e) {
        LOG.warn("stream listener failed on open of {}", info.streamId(), e);
      }
    }
    vertx.eventBus().publish(addresses.connect(), info.toJson());
    return info;
  }

  /** A stream closed: free its slot; when it had opened, tell the listener and the cluster. */
  void released(StreamInfo info, String reason) {
    metrics.released();
    if (SseConnection.EVICTED.equals(reason)) {
      metrics.evicted();
      EVICTIONS.info("evicted", "stream " + (info == null ? "(opening)" : info.streamId() + " on " + info.channels())
          + " evicted: the client fell more than " + options.maxQueuedBytes() + " bytes behind");
    }
    if (info == null) {
      return;
    }
    LOG.debug("stream {} closed ({})", info.streamId(), reason);
    if (own(info.channels())) {
      ownStreams.decrementAndGet();
    }
    if (listener != null) {
      try {
        listener.closed(info, reason);
      } catch (RuntimeException e) {
        LOG.warn("stream listener failed on close of {}", info.streamId(), e);
      }
    }
    vertx.eventBus().publish(addresses.disconnect(), new StreamClosed(info, reason).toJson());
  }

  /** A stream of Herald's own: every channel it follows is reserved ({@code herald.*}). */
  private static boolean own(List<String> channels) {
    return !channels.isEmpty() && channels.stream().allMatch(Names::isReserved);
  }

  @Override
  public Future<Void> drain(Duration window, Duration retry) {
    long windowMs = Math.max(0, window.toMillis());
    long retryMs = Math.max(0, retry.toMillis());
    drainRetryMs = retryMs;
    draining = true;
    List<Future<Void>> loopsDrained = new ArrayList<>();
    for (LoopStreams loop : loops.values()) {
      Promise<Void> p = Promise.promise();
      loop.context().runOnContext(v -> loop.drain(windowMs, retryMs).onComplete(p));
      loopsDrained.add(p.future());
    }
    // Then once more over every loop, for a stream admitted on a new loop just as the drain began.
    return Future.join(loopsDrained).transform(x -> sweep(retryMs));
  }

  private Future<Void> sweep(long retryMs) {
    List<Future<Void>> swept = new ArrayList<>();
    for (LoopStreams loop : loops.values()) {
      Promise<Void> p = Promise.promise();
      loop.context().runOnContext(v -> loop.drain(0, retryMs).onComplete(p));
      swept.add(p.future());
    }
    return Future.join(swept).mapEmpty();
  }

  /** Stops accepting streams and closes every open one (reason {@code shutdown}) on its own loop. */
  Future<Void> shutdown() {
    fanout = null;
    List<Future<Void>> closing = new ArrayList<>();
    for (LoopStreams loop : loops.values()) {
      Promise<Void> p = Promise.promise();
      loop.context().runOnContext(v -> {
        loop.closeAll(SseConnection.SHUTDOWN);
        p.complete();
      });
      closing.add(p.future());
    }
    return Future.join(closing).mapEmpty();
  }

  SseOptions options() {
    return options;
  }

  HistoryClient history() {
    return history;
  }

  SseMetrics metrics() {
    return metrics;
  }

  Buffer prelude() {
    return prelude;
  }
}
