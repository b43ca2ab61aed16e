package dev.herald.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.StoredEvent;
import dev.herald.sse.StreamPositions.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StreamPositionsTest {

  private static StoredEvent ev(String ch, long epoch, long seq) {
    return new StoredEvent(ch, epoch, seq, null, "1", 1_700_000_000_000L + seq * 1000);
  }

  @Test
  void firstEventIsAdoptedThenDuplicatesDroppedAndHolesReported() {
    StreamPositions p = new StreamPositions(List.of("a"));
    assertEquals(Verdict.WRITE, p.accept(0, ev("a", 1, 10), true));
    assertEquals(Verdict.DUPLICATE, p.accept(0, ev("a", 1, 10), true));
    assertEquals(Verdict.DUPLICATE, p.accept(0, ev("a", 1, 3), true));
    assertEquals(Verdict.WRITE, p.accept(0, ev("a", 1, 11), true));
    assertEquals(Verdict.HOLE, p.accept(0, ev("a", 1, 13), true));
    assertEquals(Verdict.WRITE, p.accept(0, ev("a", 1, 13), false), "replay may skip after a gap");
    assertEquals(Verdict.WRITE, p.accept(0, ev("a", 2, 1), true), "a new epoch is adopted");
  }

  @Test
  void seedTakesOnlyThisStreamsChannelsAndTheCursorCoversAllKnown() {
    StreamPositions p = new StreamPositions(List.of("a", "b", "c"));
    Cursor resumed = Cursor.of(List.of(ev("b", 4, 7).position(), ev("zzz", 1, 1).position(), ev("a", 3, 2).position()));
    Cursor.Position[] found = p.seed(resumed);
    assertNotNull(found[0]);
    assertNotNull(found[1]);
    assertNull(found[2]);
    assertFalse(p.known(2));
    assertEquals(Verdict.DUPLICATE, p.accept(1, ev("b", 4, 7), true));
    assertEquals(Verdict.WRITE, p.accept(0, ev("a", 3, 3), true));
    Cursor c = Cursor.decode(p.cursor());
    assertEquals(2, c.positions().size());
    assertEquals(3, c.find("a").seq());
    assertEquals(7, c.find("b").seq());
    assertNull(c.find("zzz"));
    assertEquals(Verdict.WRITE, p.accept(2, ev("c", 9, 1), true));
    assertEquals(3, Cursor.decode(p.cursor()).positions().size());
  }

  @Test
  void restartAfterAnEmptyGapStandsAtTheStartOfTheNewEpoch() {
    StreamPositions p = new StreamPositions(List.of("a"));
    p.seed(Cursor.of(List.of(ev("a", 1, 50).position())));
    p.restartAt(0, 2, 1_700_000_000L);
    Cursor.Position now = Cursor.decode(p.cursor()).find("a");
    assertEquals(2, now.epoch());
    assertEquals(0, now.seq());
    assertEquals(Verdict.WRITE, p.accept(0, ev("a", 2, 1), true));
    assertTrue(p.known(0));
  }

  @Test
  void aChannelAtItsStartTakesOnlyItsFirstEventLiveAndTheCursorKeepsTheStart() {
    StreamPositions p = new StreamPositions(List.of("a", "b"));
    p.startAtBeginning(0);
    p.startAtBeginning(1);
    assertTrue(p.atStart(0));
    assertNull(p.after(0), "read from the oldest retained event");
    Cursor.Position start = Cursor.decode(p.cursor()).find("b");
    assertEquals(0, start.epoch());
    assertEquals(0, start.seq());
    assertEquals(Verdict.HOLE, p.accept(1, ev("b", 5, 2), true), "b's first event was never seen");
    assertEquals(Verdict.WRITE, p.accept(1, ev("b", 5, 1), true));
    assertEquals(Verdict.WRITE, p.accept(0, ev("a", 6, 40), false), "replay starts at the oldest retained");
    StreamPositions resumed = new StreamPositions(List.of("a", "b"));
    resumed.seed(Cursor.of(List.of(start)));
    assertTrue(resumed.atStart(1), "a resumed stream is still at b's start");
    assertFalse(resumed.known(0));
  }
}
