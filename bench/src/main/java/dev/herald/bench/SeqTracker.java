package dev.herald.bench;

import java.util.Arrays;

/**
 * What one subscriber received of one channel, by the sequence numbers (1, 2, 3, ...) the publisher
 * put in the payloads: distinct events, duplicates and events that arrived after a later one.
 * Constant memory while events arrive in order; a skipped range is kept as a hole (two longs) until
 * it is filled or the run ends, so an event that arrives late is told apart from a duplicate
 * exactly. Confined to the subscriber's event loop.
 */
final class SeqTracker {
  /** How an arriving sequence number relates to what came before. */
  enum Arrival { NEXT, AHEAD, LATE, DUPLICATE }

  private long highest;
  private long distinct;
  private long duplicates;
  private long late;
  private long[] holes;     // pairs [lo, hi], inclusive, ascending
  private int holeRanges;

  /** Notes sequence number {@code seq} (>= 1). */
  Arrival arrive(long seq) {
    if (seq == highest + 1) {
      highest = seq;
      distinct++;
      return Arrival.NEXT;
    }
    if (seq > highest) {
      addHole(highest + 1, seq - 1);
      highest = seq;
      distinct++;
      return Arrival.AHEAD;
    }
    if (fillHole(seq)) {
      distinct++;
      late++;
      return Arrival.LATE;
    }
    duplicates++;
    return Arrival.DUPLICATE;
  }

  long highest() {
    return highest;
  }

  long distinct() {
    return distinct;
  }

  long duplicates() {
    return duplicates;
  }

  /** Events that arrived after an event with a higher sequence number (out of order). */
  long late() {
    return late;
  }

  /** Sequence numbers at or below {@link #highest()} not received (yet). */
  long missingBelowHighest() {
    long n = 0;
    for (int r = 0; r < holeRanges; r++) {
      n += holes[2 * r + 1] - holes[2 * r] + 1;
    }
    return n;
  }

  private void addHole(long lo, long hi) {
    if (holes == null) {
      holes = new long[8];
    } else if (2 * holeRanges + 2 > holes.length) {
      holes = Arrays.copyOf(holes, holes.length * 2);
    }
    holes[2 * holeRanges] = lo;
    holes[2 * holeRanges + 1] = hi;
    holeRanges++;
  }

  private boolean fillHole(long seq) {
    for (int r = holeRanges - 1; r >= 0; r--) {
      long lo = holes[2 * r];
      long hi = holes[2 * r + 1];
      if (seq < lo) {
        continue;
      }
      if (seq > hi) {
        return false;
      }
      if (lo == hi) {
        System.arraycopy(holes, 2 * r + 2, holes, 2 * r, 2 * (holeRanges - r - 1));
        holeRanges--;
      } else if (seq == lo) {
        holes[2 * r] = lo + 1;
      } else if (seq == hi) {
        holes[2 * r + 1] = hi - 1;
      } else {
        addHole(0, 0); // make room, then shift the ranges after r right by one
        System.arraycopy(holes, 2 * r + 2, holes, 2 * r + 4, 2 * (holeRanges - 1 - r - 1));
        holes[2 * r + 1] = seq - 1;
        holes[2 * r + 2] = seq + 1;
        holes[2 * r + 3] = hi;
      }
      return true;
    }
    return false;
  }
}
