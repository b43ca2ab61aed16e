package dev.herald.sse;

import dev.herald.replay.api.ChannelFollower;
import dev.herald.replay.api.ChannelGap;
import dev.herald.replay.api.ChannelHead;
import dev.herald.replay.api.HistoryClient;
import dev.herald.replay.api.StoredEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's fan-out, on the sse verticle's own context: one event-bus consumer per channel that has
 * subscribers on this node, registered on the first loop's interest and removed when the last loop
 * loses it. Each event is put in order by a live {@link ChannelFollower} (filling holes from the history),
 * encoded once ({@link EncodedEvent}) and handed to every interested loop on that loop's own thread. A gap
 * the follower reports needs nothing here: a stream that misses an event closes and its client resumes
 * from the history, which tells it what is gone. In a cluster, {@link StoreCheck} hands each follower the
 * store's head of its channel, so events the bus did not bring are taken from the history too (G7).
 */
final class Fanout {
  private static final Logger LOG = LoggerFactory.getLogger(Fanout.class);

  private final Vertx vertx;
  private final Context context;
  private final HistoryClient history;
  private final SseMetrics metrics;
  private final Map<String, Feed> feeds = new HashMap<>();
  private volatile int consumed;
  private boolean closed;
  private StoreCheck storeCheck;

  /** One channel consumed by this node. */
  private final class Feed implements ChannelFollower.Listener {
    final String channel;
    final List<LoopStreams> loops = new ArrayList<>(4);
    final ChannelFollower follower;
    /** System.nanoTime() when the consumer's registration completed (0 before). */
    long registeredAt;

    Feed(String channel) {
      this.channel = channel;
      this.follower = history.follow(vertx, channel, ChannelFollower.From.live(), this);
    }

    @Override
    public void event(StoredEvent event) {
      dispatch(this, event);
    }

    @Override
    public void gap(ChannelGap gap) {
      LOG.warn("channel {}: a hole in the fan-out after {} could not be filled ({}); streams resume from history",
          channel, gap.after(), gap.reason() == null ? "the history did not have it in time" : gap.reason().wire());
    }
  }

  Fanout(Vertx vertx, Context context, HistoryClient history, SseMetrics metrics) {
    this.vertx = vertx;
    this.context = context;
    this.history = history;
    this.metrics = metrics;
  }

  /**
   * Checks the store for events of the consumed channels every {@code periodMs} (call on the fan-out's
   * context, before the first subscription).
   */
  void checkStore(long periodMs, MeterRegistry registry) {
    storeCheck = new StoreCheck(vertx, history, periodMs, () -> new ArrayList<>(feeds.keySet()), this::onHead,
        registry);
    storeCheck.start();
  }

  /** A channel's head in the store, from {@link StoreCheck}: true when its follower reads the history for it. */
  private boolean onHead(ChannelHead head) {
    Feed feed = feeds.get(head.channel());
    return feed != null && feed.follower.head(head);
  }

  /**
   * Adds {@code loop}'s interest in {@code channel} (called on that loop). The future completes on
   * the loop once the channel's consumer is registered (cluster-wide), so live delivery is in place,
   * with the {@code System.nanoTime()} at which that registration completed: for a short while after
   * it, other nodes may not route the channel's events here yet (see {@link ChannelStream}).
   */
  Future<Long> subscribe(String channel, LoopStreams loop) {
    Promise<Long> ready = Promise.promise();
    context.runOnContext(v -> {
      if (closed) {
        loop.context().runOnContext(x -> ready.fail("the sse verticle is stopping"));
        return;
      }
      Feed feed = feeds.get(channel);
      if (feed == null) {
        feed = new Feed(channel);
        feeds.put(channel, feed);
        consumed = feeds.size();
        LOG.debug("fan-out consumes channel {}", channel);
        if (storeCheck != null) {
          storeCheck.checkNow(channel);
        }
      }
      feed.loops.add(loop);
      Feed joined = feed;
      feed.follower.completion().onComplete(ar -> {
        if (ar.succeeded() && joined.registeredAt == 0) {
          joined.registeredAt = System.nanoTime();
        }
        long at = joined.registeredAt;
        loop.context().runOnContext(x -> {
          if (ar.succeeded()) {
            ready.complete(at);
          } else {
            ready.fail(ar.cause());
          }
        });
      });
    });
    return ready.future();
  }

  /** Removes {@code loop}'s interest in {@code channel}; the last one unregisters the consumer. */
  void unsubscribe(String channel, LoopStreams loop) {
    context.runOnContext(v -> {
      Feed feed = feeds.get(channel);
      if (feed != null && feed.loops.remove(loop) && feed.loops.isEmpty()) {
        feeds.remove(channel);
        consumed = feeds.size();
        feed.follower.close();
        LOG.debug("fan-out released channel {}", channel);
      }
    });
  }

  /** Unregisters every consumer (verticle stop). */
  Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      closed = true;
      if (storeCheck != null) {
        storeCheck.stop();
      }
      List<Future<Void>> all = new ArrayList<>();
      for (Feed feed : feeds.values()) {
        all.add(feed.follower.close());
      }
      feeds.clear();
      consumed = 0;
      Future.join(all).<Void>mapEmpty().onComplete(done);
    });
    return done.future();
  }

  /** Channels this node consumes now (one event-bus consumer each). */
  int consumedChannels() {
    return consumed;
  }

  private void dispatch(Feed feed, StoredEvent event) {
    metrics.fanoutEvent();
    EncodedEvent encoded = new EncodedEvent(event);
    List<LoopStreams> loops = feed.loops;
    for (int i = 0, n = loops.size(); i < n; i++) {
      loops.get(i).post(encoded);
    }
  }
}
