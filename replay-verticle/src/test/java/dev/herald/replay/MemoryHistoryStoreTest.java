package dev.herald.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.replay.api.GapReason;
import dev.herald.replay.api.HistoryOptions;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.StoredEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The store contract against the memory store, plus its clock-driven details on a fake clock. */
class MemoryHistoryStoreTest extends HistoryStoreContract {
  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);

  @Override
  protected HistoryStore newStore(HistoryOptions options) {
    return new MemoryHistoryStore(options);
  }

  private MemoryHistoryStore fake(int maxEvents, long maxAgeMs, long idleMs, int maxChannels) {
    return new MemoryHistoryStore(new HistoryOptions(maxEvents, Duration.ofMillis(maxAgeMs), Duration.ofMillis(idleMs),
        maxChannels), now::get);
  }

  private static List<Long> seqs(HistoryPage p) {
    return p.events().stream().map(StoredEvent::seq).toList();
  }

  @Test
  void theGapReasonIsThatOfTheTrimThatRemovedTheNewestMissingEvent() throws Exception {
    MemoryHistoryStore s = fake(3, 10_000, 100_000, 10);
    StoredEvent e1 = append(s, "mix", "1");
    for (int i = 2; i <= 5; i++) {
      append(s, "mix", String.valueOf(i));
    }
    // count trim removed 1 and 2
    assertEquals(GapReason.TRIMMED, await(s.read("mix", e1.position(), 10)).gap());
    now.addAndGet(5_000);
    append(s, "mix", "6"); // removes 3 by count
    now.addAndGet(6_000); // 4 and 5 are now older than maxAge, 6 is not
    HistoryPage p = await(s.read("mix", e1.position(), 10));
    assertEquals(GapReason.EXPIRED, p.gap(), "the newest missing event (5) was removed by age");
    assertEquals(List.of(6L), seqs(p));
  }

  @Test
  void ageIsMeasuredFromEachEventsPublishTime() throws Exception {
    MemoryHistoryStore s = fake(100, 1_000, 100_000, 10);
    append(s, "age", "1");
    now.addAndGet(600);
    StoredEvent e2 = append(s, "age", "2");
    now.addAndGet(399);
    assertEquals(List.of(1L, 2L), seqs(await(s.read("age", null, 10))));
    now.addAndGet(1);
    HistoryPage p = await(s.read("age", null, 10));
    assertEquals(List.of(2L), seqs(p), "exactly maxAge old is gone");
    assertNull(p.gap());
    now.addAndGet(600);
    assertTrue(await(s.read("age", null, 10)).events().isEmpty());
    assertNull(await(s.read("age", e2.position(), 10)).gap());
  }

  @Test
  void idleChannelsGoLazilyAndThroughExpire() throws Exception {
    MemoryHistoryStore s = fake(100, 1_000_000, 10_000, 10);
    StoredEvent a = append(s, "a", "1");
    append(s, "b", "1");
    now.addAndGet(9_999);
    append(s, "b", "2");
    assertEquals(0, await(s.expire()));
    now.addAndGet(1);
    assertEquals(1, await(s.expire()), "a has been idle for exactly idleChannelTtl");
    assertEquals(1L, await(s.channelCount()));
    HistoryPage gone = await(s.read("a", a.position(), 10));
    assertEquals(0, gone.epoch());
    assertEquals(GapReason.EXPIRED, gone.gap());
    now.addAndGet(10_000);
    assertEquals(0, await(s.read("b", null, 10)).epoch(), "a read does not wait for housekeeping");
    assertEquals(0L, await(s.channelCount()));
  }

  @Test
  void idleChannelsMakeRoomUnderMaxChannels() throws Exception {
    MemoryHistoryStore s = fake(100, 1_000_000, 10_000, 2);
    append(s, "x", "1");
    append(s, "y", "1");
    assertThrows(IllegalStateException.class, () -> await(s.append(new PublishRequest("z", null, "1", null))));
    now.addAndGet(10_000);
    assertEquals(1, append(s, "z", "1").seq(), "idle channels are swept when the bound is reached");
  }

  @Test
  void epochsAreNewForEveryCreation() throws Exception {
    MemoryHistoryStore s = fake(100, 1_000_000, 1_000, 10);
    long last = 0;
    for (int i = 0; i < 20; i++) {
      StoredEvent e = append(s, "epochs", "1");
      assertEquals(1, e.seq());
      assertTrue(e.epoch() >= 1 && e.epoch() < (1L << 48));
      assertTrue(e.epoch() != last);
      last = e.epoch();
      now.addAndGet(1_000);
    }
  }

  @Test
  void aClosedStoreFails() throws Exception {
    MemoryHistoryStore s = fake(10, 1_000, 1_000, 10);
    await(s.close());
    assertThrows(IllegalStateException.class, () -> await(s.ping()));
    assertThrows(IllegalStateException.class, () -> await(s.append(new PublishRequest("c", null, "1", null))));
    assertThrows(IllegalStateException.class, () -> await(s.read("c", null, 1)));
  }
}
