package dev.herald.sse;

import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The streams of one event loop: channel to subscribed streams, every SSE connection (for pings and
 * shutdown) and the loop's topic consumers. Created lazily for each event-loop context that opens a
 * stream; every method runs on that loop, so nothing here is locked.
 *
 * <p>A stream closing while the loop iterates its streams (an eviction during delivery, say) is
 * removed right after the iteration ({@link #later}).
 */
final class LoopStreams {

  /** One stream's interest in one channel: what the channel's set holds. */
  static final class Subscription extends StreamSet.Member {
    final ChannelStream stream;
    final int index;

    Subscription(ChannelStream stream, int index) {
      this.stream = stream;
      this.index = index;
    }
  }

  private static final class ChannelEntry {
    final StreamSet<Subscription> subs = new StreamSet<>();
    Future<Void> ready;
  }

  private final ContextInternal context;
  private final Fanout fanout;
  private final SseMetrics metrics;
  private final long pingNanos;
  private final Map<String, ChannelEntry> channels = new HashMap<>();
  private final StreamSet<SseConnection> connections = new StreamSet<>();
  private final LoopTopics topics;
  private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
  private int depth;
  private long pingTimer = -1;

  LoopStreams(ContextInternal context, Fanout fanout, SseMetrics metrics, long pingIntervalMs) {
    this.context = context;
    this.fanout = fanout;
    this.metrics = metrics;
    this.pingNanos = TimeUnit.MILLISECONDS.toNanos(pingIntervalMs);
    this.topics = new LoopTopics(this);
  }

  ContextInternal context() {
    return context;
  }

  LoopTopics topics() {
    return topics;
  }

  /**
   * Adds a stream's interest in a channel; the future completes on this loop once the node fan-out
   * consumes the channel (shared by every stream of the channel on this loop).
   */
  Future<Void> join(String channel, Subscription sub) {
    ChannelEntry entry = channels.get(channel);
    if (entry == null) {
      entry = new ChannelEntry();
      channels.put(channel, entry);
      entry.ready = fanout.subscribe(channel, this);
    }
    entry.subs.add(sub);
    return entry.ready;
  }

  /** Removes a stream's interest; the last one of this loop releases the channel at the fan-out. */
  void leave(String channel, Subscription sub) {
    later(() -> {
      ChannelEntry entry = channels.get(channel);
      if (entry != null && entry.subs.remove(sub) && entry.subs.isEmpty()) {
        channels.remove(channel);
        fanout.unsubscribe(channel, this);
      }
    });
  }

  /** Called by the fan-out from its own thread: delivers {@code event} here, on this loop. */
  void post(EncodedEvent event) {
    context.runOnContext(v -> deliver(event));
  }

  void deliver(EncodedEvent event) {
    ChannelEntry entry = channels.get(event.event().channel());
    if (entry == null) {
      return;
    }
    int delivered = 0;
    enter();
    try {
      StreamSet<Subscription> subs = entry.subs;
      for (int i = 0, n = subs.size(); i < n; i++) {
        Subscription sub = subs.get(i);
        if (sub.stream.onEvent(sub.index, event)) {
          delivered++;
        }
      }
    } finally {
      exit();
    }
    metrics.delivered(delivered);
  }

  /** Tracks an SSE connection for pings and shutdown. */
  void attach(SseConnection connection) {
    connections.add(connection);
    if (pingTimer < 0) {
      long period = Math.max(5, TimeUnit.NANOSECONDS.toMillis(pingNanos) / 4);
      pingTimer = context.setPeriodic(period, id -> ping());
    }
  }

  void detach(SseConnection connection) {
    later(() -> {
      connections.remove(connection);
      if (connections.isEmpty() && pingTimer >= 0) {
        context.owner().cancelTimer(pingTimer);
        pingTimer = -1;
      }
    });
  }

  /** Closes every stream of this loop. */
  void closeAll(String reason) {
    eachConnection(c -> c.close(reason));
  }

  /** Runs {@code action} now, or right after the iteration in progress. */
  void later(Runnable action) {
    if (depth > 0) {
      deferred.add(action);
    } else {
      action.run();
    }
  }

  void enter() {
    depth++;
  }

  void exit() {
    if (--depth == 0) {
      Runnable r;
      while ((r = deferred.poll()) != null) {
        r.run();
      }
    }
  }

  private void ping() {
    long idleSince = System.nanoTime() - pingNanos;
    eachConnection(c -> c.pingIfIdle(idleSince));
  }

  private void eachConnection(Consumer<SseConnection> action) {
    enter();
    try {
      for (int i = 0, n = connections.size(); i < n; i++) {
        action.accept(connections.get(i));
      }
    } finally {
      exit();
    }
  }
}
