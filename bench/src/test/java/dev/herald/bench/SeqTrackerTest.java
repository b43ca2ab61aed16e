package dev.herald.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SeqTrackerTest {

  @Test
  void tellsLateFromDuplicate() {
    SeqTracker t = new SeqTracker();
    assertEquals(SeqTracker.Arrival.NEXT, t.arrive(1));
    assertEquals(SeqTracker.Arrival.AHEAD, t.arrive(5));      // 2..4 missing
    assertEquals(SeqTracker.Arrival.LATE, t.arrive(3));       // splits the hole
    assertEquals(SeqTracker.Arrival.DUPLICATE, t.arrive(3));
    assertEquals(SeqTracker.Arrival.DUPLICATE, t.arrive(5));
    assertEquals(SeqTracker.Arrival.AHEAD, t.arrive(8));      // 6..7 missing
    assertEquals(SeqTracker.Arrival.LATE, t.arrive(2));
    assertEquals(SeqTracker.Arrival.LATE, t.arrive(4));
    assertEquals(SeqTracker.Arrival.LATE, t.arrive(7));
    assertEquals(SeqTracker.Arrival.DUPLICATE, t.arrive(1));
    assertEquals(8, t.highest());
    assertEquals(7, t.distinct());
    assertEquals(3, t.duplicates());
    assertEquals(4, t.late());
    assertEquals(1, t.missingBelowHighest());                  // 6
  }

  @Test
  void inOrderNeedsNoHoles() {
    SeqTracker t = new SeqTracker();
    for (long s = 1; s <= 10_000; s++) {
      t.arrive(s);
    }
    assertEquals(10_000, t.distinct());
    assertEquals(0, t.missingBelowHighest());
    assertEquals(0, t.duplicates() + t.late());
  }
}
