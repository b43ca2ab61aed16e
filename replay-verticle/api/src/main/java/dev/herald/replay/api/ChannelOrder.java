package dev.herald.replay.api;

import java.util.TreeMap;

/**
 * Puts one channel's fan-out in order for a {@link ChannelFollower}. Event-bus messages from different
 * publishing nodes may arrive out of order or twice; this remembers the last sequence number delivered in
 * the current epoch, drops what it already delivered, holds what comes after a hole, and takes the
 * missing events from the history ({@link #fill}) before going on. What cannot be filled is reported as a
 * {@link ChannelGap} before the events after it. Pure state, used on the follower's context.
 */
final class ChannelOrder {
  /** Events held behind a hole at most; past that the follower gives up waiting and goes on. */
  static final int MAX_HELD = 10_000;

  private final String channel;
  private final ChannelFollower.Listener out;
  private final TreeMap<Long, StoredEvent> held = new TreeMap<>();
  /** False until the first event when following live (no position yet). */
  private boolean known;
  /**
   * Where the store said the channel stood when a live follower began, read once before its first event
   * ({@link #hint}); {@code hinted} false until then.
   */
  private boolean hinted;
  private long hintEpoch;
  private long hintSeq;
  /** True until the first event when following from the channel's start: reads begin at the oldest retained. */
  private boolean atStart;
  /** The current epoch; 0 (no real epoch is 0) while at the start, before the first event. */
  private long epoch;
  private long last;
  private long lastTimeSec;

  /** Live: the first event seen is the start. */
  ChannelOrder(String channel, ChannelFollower.Listener out) {
    this.channel = channel;
    this.out = out;
  }

  /** From a position: {@code null} for the channel's start (the oldest retained event), else after it. */
  ChannelOrder(String channel, Cursor.Position after, ChannelFollower.Listener out) {
    this(channel, out);
    known = true;
    atStart = after == null;
    if (after != null) {
      epoch = after.epoch();
      last = after.seq();
      lastTimeSec = after.timeSec();
    }
  }

  /** Takes one event from the bus and passes on, in order, every event that can be delivered now. */
  void offer(StoredEvent e) {
    if (!known) {
      if (!hinted || !afterHint(e.epoch(), e.seq() - 1)) {
        known = true;
        epoch = e.epoch();
        pass(e);
        return;
      }
      // events were published since the follower began that the bus did not bring first: fill them
      startAfterHint(e.epoch());
    }
    if (e.epoch() != epoch) {
      newEpoch(e.epoch(), e.publishedAt() / 1000);
    }
    if (e.seq() <= last) {
      return;
    }
    if (e.seq() == last + 1) {
      pass(e);
      drain();
    } else {
      held.putIfAbsent(e.seq(), e);
    }
  }

  /** True once the follower knows where the channel stands (from its first event, or after its hint). */
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
   * Where the channel stood in the store when a live follower began (epoch 0: it did not exist), taken once
   * and only before the first event. Every event after it was published since the follower began, so it is
   * the follower's to deliver. Never a starting point on its own: a reader that began before the store was
   * read would miss what lies between.
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
   * Makes a live follower that has seen nothing know where it stands: right after the hint in epoch
   * {@code e} (its start when the channel was created anew since), so that everything since is filled.
   */
  void startAfterHint(long e) {
    known = true;
    epoch = e;
    last = e == hintEpoch ? hintSeq : 0;
    lastTimeSec = 0;
  }

  /**
   * The store holds the channel in another epoch than the follower follows (the channel was created anew
   * and the bus brought none of its events): reports the old epoch's end as a gap and follows the new
   * epoch from its start.
   */
  void restart(long newEpoch) {
    newEpoch(newEpoch, 0);
  }

  /** True while events wait behind a hole. */
  boolean hasHole() {
    return !held.isEmpty();
  }

  /** True when so much waits behind a hole that the follower should give up on it. */
  boolean overflowing() {
    return held.size() > MAX_HELD;
  }

  /** The id to read the history after: the last delivered event, or {@code null} at the channel's start. */
  String fillAfter() {
    return known && !atStart ? Cursor.single(channel, epoch, last, lastTimeSec) : null;
  }

  /** The id of the last event delivered, or {@code null} before the first. */
  String lastId() {
    return known && last > 0 ? Cursor.single(channel, epoch, last, lastTimeSec) : null;
  }

  /**
   * Takes a history page read after {@link #fillAfter()}: delivers what it can, in order, and reports
   * what the history no longer has as a gap.
   *
   * @return true when the history has more after this page
   */
  boolean fill(HistoryPage page) {
    if (page.epoch() == 0) {
      if (page.gap() != null) {
        // the channel itself is gone: whatever epoch comes next starts from its first event
        gap(page.gap());
        passHeld();
        atStart = true;
        epoch = 0;
        last = 0;
      }
      return false;
    }
    if (page.epoch() != epoch) {
      if (!atStart) {
        gap(page.gap() != null ? page.gap() : GapReason.RESET);
        passHeld();
      }
      epoch = page.epoch();
      last = 0;
      lastTimeSec = 0;
    } else if (page.gap() != null) {
      gap(page.gap());
    }
    if (!page.events().isEmpty()) {
      last = Math.max(last, page.events().get(0).seq() - 1);
    } else if (page.gap() != null) {
      passHeld();
    }
    for (StoredEvent e : page.events()) {
      if (e.seq() == last + 1) {
        pass(e);
      } else if (e.seq() > last + 1) {
        held.putIfAbsent(e.seq(), e);
      }
      drain();
    }
    return page.more() && !page.events().isEmpty();
  }

  /** Gives up on the hole: reports the gap, then passes on everything held, in order. */
  void release() {
    if (!held.isEmpty()) {
      gap(null);
      passHeld();
    }
  }

  private void newEpoch(long newEpoch, long timeSec) {
    if (!atStart) {
      gap(GapReason.RESET);
      passHeld();
    }
    epoch = newEpoch;
    last = 0;
    lastTimeSec = timeSec;
  }

  private void gap(GapReason reason) {
    out.gap(new ChannelGap(channel, lastId(), reason));
  }

  /** Passes on everything held, in order, skipping the holes between. */
  private void passHeld() {
    while (!held.isEmpty()) {
      StoredEvent e = held.pollFirstEntry().getValue();
      if (e.seq() > last) {
        pass(e);
      }
    }
  }

  private void pass(StoredEvent e) {
    atStart = false;
    last = e.seq();
    lastTimeSec = e.publishedAt() / 1000;
    out.event(e);
  }

  private void drain() {
    while (!held.isEmpty()) {
      long first = held.firstKey();
      if (first <= last) {
        held.pollFirstEntry();
      } else if (first == last + 1) {
        pass(held.pollFirstEntry().getValue());
      } else {
        return;
      }
    }
  }
}
