package dev.herald.sse;

import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.StoredEvent;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Keeps one channel's fan-out in order on this node. Event-bus messages from different publishing
 * nodes may arrive out of order or twice; this remembers the last sequence number delivered in the
 * current epoch, drops what it already delivered, holds what comes after a hole, and takes the missing
 * events from the history ({@link #fill}) before going on. The store's head of the channel when the
 * feed began ({@link #hint}, from {@link StoreCheck}) tells a feed that has seen nothing yet whether its
 * first event is the first one published since: events the bus did not bring are filled then too.
 * Pure state, used on the fan-out's context.
 */
final class FeedOrder {
  /** Events held behind a hole at most; past that the feed gives up waiting and goes on. */
  static final int MAX_HELD = 10_000;

  private final String channel;
  private boolean known;
  private boolean hinted;
  private long hintEpoch;
  private long hintSeq;
  private long epoch;
  private long last;
  private long lastTimeSec;
  private final TreeMap<Long, StoredEvent> held = new TreeMap<>();

  FeedOrder(String channel) {
    this.channel = channel;
  }

  /** Takes one event from the bus and passes on, in order, every event that can be delivered now. */
  void offer(StoredEvent e, Consumer<StoredEvent> out) {
    if (!known) {
      if (!hinted || !afterHint(e.epoch(), e.seq() - 1)) {
        adopt(e, out);
        return;
      }
      // Events were published since the feed began that the bus did not bring first: fill them.
      startAfterHint(e.epoch());
    }
    if (e.epoch() != epoch) {
      // The channel was created anew: what is held belongs to the old epoch and can no longer be filled.
      release(out);
      epoch = e.epoch();
      last = 0;
      lastTimeSec = e.publishedAt() / 1000;
    }
    if (e.seq() <= last) {
      return;
    }
    if (e.seq() == last + 1) {
      pass(e, out);
      drain(out);
    } else {
      held.putIfAbsent(e.seq(), e);
    }
  }

  /** True while events wait behind a hole. */
  boolean hasHole() {
    return !held.isEmpty();
  }

  /** True when so much waits behind a hole that the feed should give up on it. */
  boolean overflowing() {
    return held.size() > MAX_HELD;
  }

  /** The id to read the history after, to fill the hole. */
  String fillAfter() {
    return Cursor.single(channel, epoch, last, lastTimeSec);
  }

  /**
   * Takes a history page read after {@link #fillAfter()}: passes on, in order, every event of it past
   * the last one delivered (the bus may bring them too; those are dropped then).
   *
   * @return true when the history has more after this page
   */
  boolean fill(HistoryPage page, Consumer<StoredEvent> out) {
    if (page.gap() != null || page.epoch() != epoch) {
      // The missing events are gone (trimmed, expired, reset): streams resume from history, which tells them.
      release(out);
      return false;
    }
    for (StoredEvent e : page.events()) {
      if (e.epoch() != epoch || e.seq() <= last) {
        continue;
      }
      if (e.seq() == last + 1) {
        pass(e, out);
      } else {
        held.putIfAbsent(e.seq(), e);
      }
      drain(out);
    }
    return page.more() && !page.events().isEmpty();
  }

  /** True once the feed knows where the channel stands (from its first event, or after its hint). */
  boolean known() {
    return known;
  }

  /** The current epoch (meaningful once {@link #known()}). */
  long epoch() {
    return epoch;
  }

  /** The sequence number of the last event delivered in the current epoch. */
  long last() {
    return last;
  }

  /**
   * Where the channel stood in the store when the feed began (epoch 0: it did not exist), read once. Every
   * event after it was published since the feed's consumer was registered, so it is this feed's to
   * deliver; what came before is its streams' replay. (Never a starting point on its own: a stream that
   * replayed before the store was read would miss what lies between.)
   */
  void hint(long headEpoch, long headSeq) {
    if (!known && !hinted) {
      hinted = true;
      hintEpoch = headEpoch;
      hintSeq = headSeq;
    }
  }

  boolean hinted() {
    return hinted;
  }

  /** True when the store's {@code (headEpoch, headSeq)} holds an event published after the hint. */
  boolean afterHint(long headEpoch, long headSeq) {
    return headEpoch != 0 && (headEpoch != hintEpoch ? headSeq >= 1 : headSeq > hintSeq);
  }

  /**
   * Makes a feed that has seen nothing know where it stands: right after the hint in epoch {@code e} (its
   * start when the channel was created anew since), so that everything since is filled and delivered.
   */
  void startAfterHint(long e) {
    known = true;
    epoch = e;
    last = e == hintEpoch ? hintSeq : 0;
    lastTimeSec = 0;
  }

  /**
   * The store holds the channel in another epoch than the feed follows (the channel was created anew and
   * the bus brought none of its events): gives up what is held and follows the new epoch from its start.
   */
  void restart(long newEpoch, Consumer<StoredEvent> out) {
    release(out);
    known = true;
    epoch = newEpoch;
    last = 0;
    lastTimeSec = 0;
  }

  /** Gives up on the hole: passes on everything held, in order. */
  void release(Consumer<StoredEvent> out) {
    while (!held.isEmpty()) {
      StoredEvent e = held.pollFirstEntry().getValue();
      if (e.seq() > last) {
        pass(e, out);
      }
    }
  }

  private void adopt(StoredEvent e, Consumer<StoredEvent> out) {
    known = true;
    epoch = e.epoch();
    pass(e, out);
  }

  private void pass(StoredEvent e, Consumer<StoredEvent> out) {
    last = e.seq();
    lastTimeSec = e.publishedAt() / 1000;
    out.accept(e);
  }

  private void drain(Consumer<StoredEvent> out) {
    while (!held.isEmpty()) {
      long first = held.firstKey();
      if (first <= last) {
        held.pollFirstEntry();
      } else if (first == last + 1) {
        pass(held.pollFirstEntry().getValue(), out);
      } else {
        return;
      }
    }
  }
}
