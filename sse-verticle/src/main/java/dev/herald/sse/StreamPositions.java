package dev.herald.sse;

import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.StoredEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one stream stands in each of its channels: the epoch and sequence number of the last event it
 * wrote (or of the cursor it resumed from). It decides which events to write, so that replay and live
 * delivery join without loss or doubles, and it builds the stream's multi-channel cursor.
 * Used on the stream's loop only.
 *
 * <p>A stream that started from the beginning ({@code earliest}) but has seen no event of a channel yet
 * stands at the channel's <em>start</em>: epoch 0 (no real epoch is 0), sequence 0. The cursor carries
 * it, so a client that resumes still gets that channel from its first event; and a live event other
 * than a first one ({@code seq} 1) there is a hole, not a place to start.
 */
final class StreamPositions {
  /** What to do with an event. */
  enum Verdict {
    /** Write it: the next one, the first one seen, or one of a new epoch. */
    WRITE,
    /** Already written (at or below the position in the same epoch): drop it. */
    DUPLICATE,
    /** Events between the position and this one were never written to the stream. */
    HOLE
  }

  private final List<String> channels;
  private final long[] keys;
  private final boolean[] known;
  private final long[] epoch;
  private final long[] seq;
  private final long[] timeSec;

  StreamPositions(List<String> channels) {
    this.channels = channels;
    int n = channels.size();
    keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = Cursor.key(channels.get(i));
    }
    known = new boolean[n];
    epoch = new long[n];
    seq = new long[n];
    timeSec = new long[n];
  }

  String channel(int i) {
    return channels.get(i);
  }

  /**
   * Takes the positions a resumed cursor has for this stream's channels (others are ignored).
   *
   * @return for each channel, its position in the cursor or {@code null} when the cursor does not cover it
   */
  Cursor.Position[] seed(Cursor cursor) {
    Cursor.Position[] found = new Cursor.Position[keys.length];
    for (Cursor.Position p : cursor.positions()) {
      for (int i = 0; i < keys.length; i++) {
        if (keys[i] == p.key() && found[i] == null) {
          found[i] = p;
          set(i, p.epoch(), p.seq(), p.timeSec());
        }
      }
    }
    return found;
  }

  /**
   * Decides about {@code e} (an event of channel {@code i}) and, for {@link Verdict#WRITE}, moves the
   * position to it.
   *
   * @param strict true to report {@link Verdict#HOLE} when events were skipped in the same epoch (live
   *               delivery, which must be gap-free); false during replay, where the history already
   *               reported any gap
   */
  Verdict accept(int i, StoredEvent e, boolean strict) {
    if (strict && known[i] && epoch[i] != e.epoch() && e.seq() > 1) {
      return Verdict.HOLE; // at the start, or the channel began a new epoch: a live event must be its first
    }
    if (known[i] && epoch[i] == e.epoch()) {
      if (e.seq() <= seq[i]) {
        return Verdict.DUPLICATE;
      }
      if (strict && e.seq() > seq[i] + 1) {
        return Verdict.HOLE;
      }
    }
    set(i, e.epoch(), e.seq(), e.publishedAt() / 1000);
    return Verdict.WRITE;
  }

  /**
   * After a gap in channel {@code i} whose page brought no event: the stream now stands at the start of
   * the channel's current epoch, so that a cursor sent back does not report the same gap again.
   */
  void restartAt(int i, long currentEpoch, long nowSec) {
    if (!known[i] || epoch[i] != currentEpoch) {
      set(i, currentEpoch, 0, nowSec);
    }
  }

  boolean known(int i) {
    return known[i];
  }

  /**
   * Puts channel {@code i} at {@code head}, the channel's newest position when the stream began (its
   * start when the channel did not exist): events at or below it were published before the stream.
   */
  void startAt(int i, Cursor.Position head) {
    if (head.epoch() == 0) {
      set(i, 0, 0, 0);
    } else {
      set(i, head.epoch(), head.seq(), head.timeSec());
    }
  }

  /** Puts channel {@code i} at its start when the stream has no position in it yet. */
  void startAtBeginning(int i) {
    if (!known[i]) {
      set(i, 0, 0, 0);
    }
  }

  /** True when channel {@code i} stands at its start (see the class comment). */
  boolean atStart(int i) {
    return known[i] && epoch[i] == 0 && seq[i] == 0;
  }

  /**
   * The single-channel id to read channel {@code i}'s history after ({@code null}: from the oldest
   * retained event, for a channel at its start). The position must be known.
   */
  String after(int i) {
    return atStart(i) ? null : Cursor.single(channels.get(i), epoch[i], seq[i], timeSec[i]);
  }

  /**
   * The cursor covering every channel this stream has a position for (once the stream is open, all of
   * them: those it resumed and the heads of the others), as an event id.
   */
  String cursor() {
    List<Cursor.Position> ps = new ArrayList<>(keys.length);
    for (int i = 0; i < keys.length; i++) {
      if (known[i]) {
        ps.add(new Cursor.Position(keys[i], epoch[i], seq[i], timeSec[i]));
      }
    }
    return Cursor.encode(ps);
  }

  /**
   * True when {@code other} stands exactly where this does in the same channels, in the same order:
   * then both streams write the same cursor, and a frame built for one serves the other.
   */
  boolean sameAs(StreamPositions other) {
    return other != null && java.util.Arrays.equals(keys, other.keys) && java.util.Arrays.equals(seq, other.seq)
        && java.util.Arrays.equals(epoch, other.epoch) && java.util.Arrays.equals(known, other.known)
        && java.util.Arrays.equals(timeSec, other.timeSec);
  }

  private void set(int i, long ep, long sq, long time) {
    known[i] = true;
    epoch[i] = ep;
    seq[i] = sq;
    timeSec[i] = time;
  }
}
