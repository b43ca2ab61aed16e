package dev.herald.replay.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ChannelOrderTest {
  private final List<Long> out = new ArrayList<>();
  private final List<ChannelGap> gaps = new ArrayList<>();
  private final ChannelFollower.Listener listener = new ChannelFollower.Listener() {
    @Override
    public void event(StoredEvent e) {
      out.add(e.epoch() * 1000 + e.seq());
    }

    @Override
    public void gap(ChannelGap gap) {
      gaps.add(gap);
      out.add(-1L);
    }
  };
  private final ChannelOrder order = new ChannelOrder("c", listener);

  private static StoredEvent ev(long epoch, long seq) {
    return new StoredEvent("c", epoch, seq, null, "1", 1_700_000_000_000L + seq);
  }

  private static HistoryPage page(long epoch, GapReason gap, boolean more, long... seqs) {
    List<StoredEvent> events = new ArrayList<>();
    for (long s : seqs) {
      events.add(ev(epoch, s));
    }
    return new HistoryPage("c", epoch, events, gap, more);
  }

  private void offer(long epoch, long seq) {
    order.offer(ev(epoch, seq));
  }

  @Test
  void inOrderPassesAndDuplicatesDrop() {
    offer(1, 5);
    offer(1, 6);
    offer(1, 6);
    offer(1, 4);
    offer(1, 7);
    assertEquals(List.of(1005L, 1006L, 1007L), out);
    assertFalse(order.hasHole());
    assertEquals(Cursor.single("c", 1, 7, 1_700_000_000L), order.lastId());
  }

  @Test
  void aHoleHoldsUntilTheMissingEventArrives() {
    offer(1, 1);
    offer(1, 3);
    offer(1, 4);
    assertTrue(order.hasHole());
    assertEquals(List.of(1001L), out);
    assertEquals(Cursor.single("c", 1, 1, 1_700_000_000L), order.fillAfter());
    offer(1, 2);
    assertEquals(List.of(1001L, 1002L, 1003L, 1004L), out);
    assertFalse(order.hasHole());
  }

  @Test
  void fillFromHistoryDeliversInOrder() {
    offer(1, 1);
    offer(1, 4);
    assertFalse(order.fill(page(1, null, false, 2, 3, 4)));
    offer(1, 5);
    assertEquals(List.of(1001L, 1002L, 1003L, 1004L, 1005L), out);
    assertEquals(List.of(), gaps);
  }

  @Test
  void pagedFillAsksForMore() {
    offer(1, 1);
    offer(1, 5);
    assertTrue(order.fill(page(1, null, true, 2, 3)));
    assertEquals(Cursor.single("c", 1, 3, 1_700_000_000L), order.fillAfter());
    assertFalse(order.fill(page(1, null, false, 4, 5)));
    assertEquals(List.of(1001L, 1002L, 1003L, 1004L, 1005L), out);
  }

  @Test
  void trimmedEventsAreAGapThenTheRetainedOnesFollowInOrder() {
    offer(1, 1);
    offer(1, 9);
    order.fill(page(1, GapReason.TRIMMED, false, 5, 6, 7, 8, 9));
    assertEquals(List.of(1001L, -1L, 1005L, 1006L, 1007L, 1008L, 1009L), out);
    assertEquals(new ChannelGap("c", Cursor.single("c", 1, 1, 1_700_000_000L), GapReason.TRIMMED), gaps.get(0));
    assertFalse(order.hasHole());
  }

  @Test
  void givingUpReportsTheGapThenPassesWhatIsHeld() {
    offer(1, 1);
    offer(1, 5);
    offer(1, 6);
    order.release();
    assertEquals(List.of(1001L, -1L, 1005L, 1006L), out);
    assertNull(gaps.get(0).reason(), "no reason: the history could not fill it");
    assertFalse(order.hasHole());
    offer(1, 7);
    assertEquals(1007L, out.get(out.size() - 1));
  }

  @Test
  void aNewEpochIsAResetGapAndStartsAtOne() {
    offer(1, 9);
    offer(2, 2);
    assertEquals(GapReason.RESET, gaps.get(0).reason());
    assertTrue(order.hasHole(), "seq 1 of the new epoch has not been seen");
    assertEquals(Cursor.single("c", 2, 0, 1_700_000_000L), order.fillAfter());
    offer(2, 1);
    assertEquals(List.of(1009L, -1L, 2001L, 2002L), out);
  }

  @Test
  void fromTheStartTheFirstReadFixesTheEpochAndNothingIsAGap() {
    ChannelOrder start = new ChannelOrder("c", null, listener);
    assertNull(start.fillAfter(), "read from the oldest retained");
    start.offer(ev(3, 7)); // live, before the first read answered
    assertTrue(start.hasHole());
    assertNull(start.fillAfter(), "still from the oldest retained");
    start.fill(page(3, null, false, 4, 5, 6, 7));
    assertEquals(List.of(3004L, 3005L, 3006L, 3007L), out);
    assertEquals(List.of(), gaps);
  }

  @Test
  void afterAPositionReadsOnAndAGoneChannelIsAGap() {
    ChannelOrder after = new ChannelOrder("c", new Cursor.Position(Cursor.key("c"), 4, 2, 1_700_000_000L), listener);
    assertEquals(Cursor.single("c", 4, 2, 1_700_000_000L), after.fillAfter());
    assertTrue(after.fill(page(4, null, true, 3, 4)));
    after.fill(new HistoryPage("c", 0, List.of(), GapReason.EXPIRED, false));
    assertEquals(List.of(4003L, 4004L, -1L), out);
    assertEquals(GapReason.EXPIRED, gaps.get(0).reason());
    after.offer(ev(5, 1));
    assertEquals(5001L, out.get(out.size() - 1), "the channel's next life starts at its first event");
  }

  // ---- the store's heads (G7): a hint for a live follower that has seen nothing, a restart in a new epoch ----

  @Test
  void aFirstEventRightAfterTheHintIsAdopted() {
    order.hint(3, 10);
    offer(3, 11);
    offer(3, 12);
    assertEquals(List.of(3011L, 3012L), out);
    assertFalse(order.hasHole());
  }

  @Test
  void eventsSinceTheHintThatTheBusDidNotBringAreFilled() {
    order.hint(3, 10);
    offer(3, 13);
    assertTrue(order.hasHole(), "11 and 12 were published since the follower began: they are its own");
    assertEquals(Cursor.single("c", 3, 10, 0), order.fillAfter());
    order.hint(3, 50);
    assertEquals(10, order.last(), "a hint is read once");
  }

  @Test
  void aChannelCreatedSinceTheHintIsFilledFromItsStart() {
    order.hint(0, 0);
    offer(4, 2);
    assertTrue(order.hasHole(), "seq 1 of the channel created since is missing");
    assertEquals(Cursor.single("c", 4, 0, 0), order.fillAfter());
    assertTrue(order.afterHint(4, 1));
    assertFalse(order.afterHint(0, 0));
  }

  @Test
  void aFillPassesTheWholePageEvenPastTheHole() {
    offer(1, 1);
    offer(1, 3);
    order.fill(page(1, null, false, 2, 3, 4, 5));
    assertEquals(List.of(1001L, 1002L, 1003L, 1004L, 1005L), out, "the store's newer events too: the bus may never bring them");
    assertEquals(5, order.last());
  }

  @Test
  void aRestartReportsTheOldEpochAndFollowsTheNewOneFromItsStart() {
    offer(1, 4);
    offer(1, 6);
    order.restart(2);
    assertEquals(List.of(1004L, -1L, 1006L), out, "the old epoch ends with a gap, then what was held");
    assertEquals(2, order.epoch());
    assertEquals(0, order.last());
    order.fill(page(2, null, false, 1, 2));
    assertEquals(List.of(1004L, -1L, 1006L, 2001L, 2002L), out);
  }
}
