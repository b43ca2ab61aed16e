package dev.herald.replay.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * Follows one channel as any verticle may: every event of {@code herald.channel.<channel>} once, in
 * sequence order, with the holes that concurrent publishers leave filled from {@code herald.history}, and
 * what cannot be filled reported as a {@link ChannelGap} — never skipped silently. The sse verticle's
 * node fan-out is one of these per channel.
 *
 * <p>Why it is needed: publishers on different nodes (even on one node) race, so the fan-out address
 * may deliver {@code n+2} before {@code n+1}, and a consumer that is not registered yet misses what is
 * published meanwhile. A follower keeps the last delivered sequence number, drops repeats, holds what
 * comes after a hole and reads the history after its last event until the hole is closed (a few tries
 * over about a second; then it reports the gap and goes on).
 *
 * <p>Where it starts: {@link From#live()} with the first event it receives; {@link From#earliest()} with
 * the oldest event the history retains; {@link From#after(String)} after an event id it was given (a
 * resume). From a position it first reads the history after it, and reads it again 1 s and 4 s after its
 * registration completed, which covers the moment after a new consumer registers during which other
 * nodes do not route the channel to it yet (docs/architecture.md#one-herald-many-nodes).
 *
 * <p>The event bus can fail to bring events without anyone knowing: a node cut off from the others
 * (until Hazelcast notices, and across a split-brain merge) still stores what its clients publish, and only
 * the store knows. Give the follower the store's heads ({@link #head}, from {@link HistoryClient#heads},
 * every second or so) and it reads from the history whatever the bus has not brought (G7,
 * docs/architecture.md#partitions).
 *
 * <p>Create and use it on one Vert.x context (a verticle's): its listener is called there, one call at a
 * time. Its history reads use the given client's timeout.
 */
public final class ChannelFollower {
  static final int FILL_PAGE = 500;
  static final int FILL_ATTEMPTS = 4;
  static final long FILL_RETRY_MS = 200;
  static final long[] CATCH_UP_MS = {1000, 4000};

  /** What the follower delivers, on its context. */
  public interface Listener {
    /** The next event of the channel. */
    void event(StoredEvent event);

    /** Events that will never be delivered; the next {@link #event} is the first one after them. */
    default void gap(ChannelGap gap) {
    }
  }

  /**
   * Where a follower starts.
   *
   * @param fromLive true to start with the first event received
   * @param after    the event id to start after, or {@code null} (with {@code fromLive} false: the oldest retained)
   */
  public record From(boolean fromLive, String after) {
    /** With the first event the follower receives. */
    public static From live() {
      return new From(true, null);
    }

    /** With the oldest event the history retains. */
    public static From earliest() {
      return new From(false, null);
    }

    /** After the event {@code id} (an id of this channel, or any cursor covering it). */
    public static From after(String id) {
      if (id == null) {
        throw new IllegalArgumentException("give an event id to follow after");
      }
      return new From(false, id);
    }
  }

  private final Vertx vertx;
  private final HistoryClient history;
  private final String channel;
  private final ChannelOrder order;
  private final MessageConsumer<StoredEvent> consumer;
  private final boolean fromPosition;
  private boolean reading;
  private boolean readAgain;
  private boolean closed;
  /** The head of the last {@link #head} call when the follower was behind it, else null. */
  private ChannelHead behind;

  private ChannelFollower(Vertx vertx, HistoryClient history, String channel, From from, Listener listener) {
    this.vertx = vertx;
    this.history = history;
    this.channel = channel;
    this.fromPosition = !from.fromLive();
    this.order = from.fromLive() ? new ChannelOrder(channel, listener)
        : new ChannelOrder(channel, from.after() == null ? null : position(channel, from.after()), listener);
    this.consumer = vertx.eventBus().consumer(history.addresses().channel(channel), m -> onEvent(m.body()));
  }

  /**
   * Starts following {@code channel}; call on the context that should run {@code listener}.
   *
   * @throws IllegalArgumentException for a bad channel name, or an id that does not cover the channel
   */
  public static ChannelFollower follow(Vertx vertx, HistoryClient history, String channel, From from,
                                       Listener listener) {
    String problem = Names.channelProblem(channel);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    ChannelFollower f = new ChannelFollower(vertx, history, channel, from, listener);
    if (f.fromPosition) {
      f.consumer.completion().onSuccess(v -> {
        f.read();
        for (long at : CATCH_UP_MS) {
          vertx.setTimer(at, id -> f.read());
        }
      });
    }
    return f;
  }

  private static Cursor.Position position(String channel, String id) {
    Cursor.Position p = Cursor.decode(id).find(channel);
    if (p == null) {
      throw new IllegalArgumentException("the id does not cover channel " + channel);
    }
    return p;
  }

  public String channel() {
    return channel;
  }

  /** Completes once the follower's consumer is registered (cluster-wide): live delivery is in place. */
  public Future<Void> completion() {
    return consumer.completion();
  }

  /** The id of the last event delivered, or {@code null} before the first: where to resume later. */
  public String lastId() {
    return order.lastId();
  }

  /**
   * Tells the follower where the store says the channel stands (call on its context). A live follower that
   * has seen nothing yet takes its first head as a hint: every event after it was published since it began,
   * so it is the follower's to deliver (through the bus or, if the bus does not bring it, from the history).
   * A follower behind the store in two calls in a row (more than an event on its way over the bus) reads the
   * history to the end; one the store shows in a new epoch the bus never brought reports the old epoch's end
   * as a gap and follows the new one from its start.
   *
   * @return true when the head made the follower read the history
   */
  public boolean head(ChannelHead head) {
    if (closed || !head.channel().equals(channel)) {
      return false;
    }
    if (!order.known() && !order.hinted()) {
      order.hint(head.epoch(), head.seq());
      return false;
    }
    boolean behindNow = order.known()
        ? head.exists() && (head.epoch() != order.epoch() || head.seq() > order.last())
        : order.afterHint(head.epoch(), head.seq());
    ChannelHead before = behind;
    behind = behindNow ? head : null;
    if (!behindNow || before == null || before.epoch() != head.epoch()) {
      return false;
    }
    if (!order.known()) {
      order.startAfterHint(head.epoch());
    } else if (head.epoch() != order.epoch()) {
      order.restart(head.epoch());
    }
    read();
    return true;
  }

  /** Stops following: unregisters the consumer; nothing is delivered after this call. */
  public Future<Void> close() {
    closed = true;
    return consumer.unregister();
  }

  private void onEvent(StoredEvent e) {
    if (closed) {
      return;
    }
    order.offer(e);
    if (order.hasHole()) {
      fill(0);
    }
  }

  /** Reads the history after the last delivered event until it has nothing more (a start or a catch-up). */
  private void read() {
    if (closed) {
      return;
    }
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    page(0, true);
  }

  /** Reads the history after the last delivered event until the hole is closed, or gives up on it. */
  private void fill(int failures) {
    if (reading || closed) {
      return;
    }
    if (order.overflowing() || failures >= FILL_ATTEMPTS) {
      order.release();
      return;
    }
    reading = true;
    page(failures, false);
  }

  private void page(int failures, boolean toEnd) {
    String after = order.fillAfter();
    history.read(channel, after, FILL_PAGE).onComplete(ar -> {
      reading = false;
      if (closed) {
        return;
      }
      if (ar.failed()) {
        retry(failures + 1, toEnd);
        return;
      }
      boolean more = order.fill(ar.result());
      if (more && (toEnd || order.hasHole())) {
        reading = true;
        page(0, toEnd);
      } else if (readAgain) {
        readAgain = false;
        read();
      } else if (order.hasHole()) {
        boolean progressed = after == null ? order.fillAfter() != null : !after.equals(order.fillAfter());
        if (progressed) {
          fill(0);
        } else {
          retry(failures + 1, false); // the missing event may still be on its way over the bus
        }
      }
    });
  }

  private void retry(int failures, boolean toEnd) {
    if (failures >= FILL_ATTEMPTS) {
      order.release();
      return;
    }
    reading = true;
    vertx.setTimer(FILL_RETRY_MS, id -> {
      reading = false;
      if (!closed && (toEnd || order.hasHole())) {
        if (toEnd) {
          reading = true;
          page(failures, true);
        } else {
          fill(failures);
        }
      }
    });
  }
}
