package dev.herald.sse;

import dev.herald.replay.api.ChannelHead;
import dev.herald.replay.api.HistoryClient;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.StoredEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's fan-out, on the sse verticle's own context: one event-bus consumer per channel that has
 * subscribers on this node, registered on the first loop's interest and removed when the last loop
 * loses it. Each event is put in order ({@link FeedOrder}, filling holes from the history), encoded
 * once ({@link EncodedEvent}) and handed to every interested loop on that loop's own thread. In a
 * cluster, {@link StoreCheck} shows it events of its channels that the bus did not bring; it takes them
 * from the history too.
 */
final class Fanout {
  private static final Logger LOG = LoggerFactory.getLogger(Fanout.class);
  private static final int FILL_PAGE = 500;
  private static final int FILL_ATTEMPTS = 4;
  private static final long FILL_RETRY_MS = 200;

  private final Vertx vertx;
  private final Context context;
  private final HistoryClient history;
  private final SseMetrics metrics;
  private final Map<String, Feed> feeds = new HashMap<>();
  private volatile int consumed;
  private boolean closed;
  private StoreCheck storeCheck;

  /** One channel consumed by this node. */
  private final class Feed {
    final String channel;
    final FeedOrder order;
    final List<LoopStreams> loops = new ArrayList<>(4);
    final MessageConsumer<StoredEvent> consumer;
    boolean filling;
    /** System.nanoTime() when the consumer's registration completed (0 before). */
    long registeredAt;
    /** The store's head seen by the last check when the feed was behind it, else null. */
    ChannelHead behind;
    /** Fill from the history up to this sequence number of the current epoch (0: only holes). */
    long fillTo;

    Feed(String channel) {
      this.channel = channel;
      this.order = new FeedOrder(channel);
      this.consumer = vertx.eventBus().consumer(history.addresses().channel(channel), m -> onEvent(this, m.body()));
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
      feed.consumer.completion().onComplete(ar -> {
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
        feed.consumer.unregister();
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
        all.add(feed.consumer.unregister());
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

  private void onEvent(Feed feed, StoredEvent event) {
    if (feeds.get(feed.channel) != feed) {
      return;
    }
    feed.order.offer(event, e -> dispatch(feed, e));
    if (feed.order.hasHole() && !feed.filling) {
      fill(feed, 0);
    }
  }

  private void dispatch(Feed feed, StoredEvent event) {
    metrics.fanoutEvent();
    EncodedEvent encoded = new EncodedEvent(event);
    List<LoopStreams> loops = feed.loops;
    for (int i = 0, n = loops.size(); i < n; i++) {
      loops.get(i).post(encoded);
    }
  }

  /**
   * A channel's head in the store (from {@link StoreCheck}). The first one a new feed gets is its hint
   * ({@link FeedOrder#hint}). A feed that stays behind the store for two checks in a row (so not merely
   * an event on its way over the bus) fills from the history up to the head. True when it fills.
   */
  private boolean onHead(ChannelHead head) {
    Feed feed = feeds.get(head.channel());
    if (feed == null) {
      return false;
    }
    FeedOrder order = feed.order;
    if (!order.known() && !order.hinted()) {
      order.hint(head.epoch(), head.seq());
      return false;
    }
    boolean behind = order.known()
        ? head.exists() && (head.epoch() != order.epoch() || head.seq() > order.last())
        : order.afterHint(head.epoch(), head.seq());
    ChannelHead before = feed.behind;
    feed.behind = behind ? head : null;
    if (!behind || before == null || before.epoch() != head.epoch()) {
      return false;
    }
    if (!order.known()) {
      order.startAfterHint(head.epoch());
    } else if (head.epoch() != order.epoch()) {
      LOG.info("channel {}: the store holds it in a new epoch the bus did not bring; following it", feed.channel);
      order.restart(head.epoch(), e -> dispatch(feed, e));
    }
    LOG.debug("channel {}: fan-out at {} behind the store's {}; filling from the history", feed.channel,
        order.last(), head.seq());
    feed.fillTo = Math.max(feed.fillTo, head.seq());
    if (!feed.filling) {
      fill(feed, 0);
    }
    return true;
  }

  /** True while the feed has a hole, or is behind what the store was seen to hold. */
  private static boolean wanting(Feed feed) {
    if (feed.fillTo > feed.order.last()) {
      return true;
    }
    feed.fillTo = 0;
    return feed.order.hasHole();
  }

  /** Reads the history after the last delivered event until the feed wants nothing more, or gives up. */
  private void fill(Feed feed, int failures) {
    if (feed.order.overflowing() || failures >= FILL_ATTEMPTS) {
      LOG.warn("channel {}: gave up filling a hole in the fan-out after {} attempts; streams resume from history",
          feed.channel, failures);
      feed.order.release(e -> dispatch(feed, e));
      feed.fillTo = 0;
      return;
    }
    feed.filling = true;
    String after = feed.order.fillAfter();
    history.read(feed.channel, after, FILL_PAGE).onComplete(ar -> {
      feed.filling = false;
      if (feeds.get(feed.channel) != feed || !wanting(feed)) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("channel {}: history read to fill a fan-out hole failed: {}", feed.channel, ar.cause().getMessage());
        retry(feed, failures + 1);
        return;
      }
      HistoryPage page = ar.result();
      boolean more = feed.order.fill(page, e -> dispatch(feed, e));
      if (!wanting(feed)) {
        return;
      }
      boolean progressed = !after.equals(feed.order.fillAfter());
      if (more || progressed) {
        fill(feed, 0);
      } else {
        // The missing event may still be on its way over the bus: look again shortly.
        retry(feed, failures + 1);
      }
    });
  }

  private void retry(Feed feed, int failures) {
    feed.filling = true;
    vertx.setTimer(FILL_RETRY_MS, id -> {
      feed.filling = false;
      if (feeds.get(feed.channel) == feed && wanting(feed)) {
        fill(feed, failures);
      }
    });
  }
}
