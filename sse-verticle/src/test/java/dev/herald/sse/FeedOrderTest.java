package dev.herald.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.GapReason;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FeedOrderTest {
  private final FeedOrder order = new FeedOrder("c");
  private final List<Long> out = new ArrayList<>();

  private static StoredEvent ev(long epoch, long seq) {
    return new StoredEvent("c", epoch, seq, null, "1", 1_700_000_000_000L + seq);
  }

  private void offer(long epoch, long seq) {
    order.offer(ev(epoch, seq), e -> out.add(e.epoch() * 1000 + e.seq()));
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
    HistoryPage page = new HistoryPage("c", 1, List.of(ev(1, 2), ev(1, 3), ev(1, 4)), null, false);
    boolean again = order.fill(page, e -> out.add(e.seq()));
    assertFalse(again);
    offer(1, 5);
    assertEquals(List.of(1001L, 2L, 3L, 4L, 1005L), out);
  }

  @Test
  void pagedFillAsksForMore() {
    offer(1, 1);
    offer(1, 5);
    assertTrue(order.fill(new HistoryPage("c", 1, List.of(ev(1, 2), ev(1, 3)), null, true), e -> out.add(e.seq())));
    assertEquals(Cursor.single("c", 1, 3, 1_700_000_000L), order.fillAfter());
    assertFalse(order.fill(new HistoryPage("c", 1, List.of(ev(1, 4), ev(1, 5)), null, false), e -> out.add(e.seq())));
    assertEquals(List.of(1001L, 2L, 3L, 4L, 5L), out);
  }

  @Test
  void goneEventsReleaseWhatIsHeld() {
    offer(1, 1);
    offer(1, 5);
    offer(1, 6);
    order.fill(new HistoryPage("c", 1, List.of(), GapReason.TRIMMED, false), e -> out.add(e.seq()));
    assertEquals(List.of(1001L, 5L, 6L), out);
    assertFalse(order.hasHole());
    offer(1, 7);
    assertEquals(1007L, out.get(out.size() - 1));
  }

  @Test
  void aNewEpochStartsAtOneAndAHoleBeforeItIsFilled() {
    offer(1, 9);
    offer(2, 2);
    assertTrue(order.hasHole(), "seq 1 of the new epoch has not been seen");
    assertEquals(Cursor.single("c", 2, 0, 1_700_000_000L), order.fillAfter());
    offer(2, 1);
    assertEquals(List.of(1009L, 2001L, 2002L), out);
  }

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
    assertTrue(order.hasHole(), "11 and 12 were published since the feed began: they are this feed's");
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
    order.fill(new HistoryPage("c", 1, List.of(ev(1, 2), ev(1, 3), ev(1, 4), ev(1, 5)), null, false),
        e -> out.add(e.seq()));
    assertEquals(List.of(1001L, 2L, 3L, 4L, 5L), out, "the store's newer events too: the bus may never bring them");
    assertEquals(5, order.last());
  }

  @Test
  void aRestartFollowsTheStoresNewEpochFromItsStart() {
    offer(1, 4);
    offer(1, 6);
    order.restart(2, e -> out.add(e.epoch() * 1000 + e.seq()));
    assertEquals(List.of(1004L, 1006L), out, "what was held goes out first");
    assertEquals(2, order.epoch());
    assertEquals(0, order.last());
    order.fill(new HistoryPage("c", 2, List.of(ev(2, 1), ev(2, 2)), null, false), e -> out.add(e.epoch() * 1000 + e.seq()));
    assertEquals(List.of(1004L, 1006L, 2001L, 2002L), out);
  }
}
