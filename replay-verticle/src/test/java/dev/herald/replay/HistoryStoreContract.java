package dev.herald.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.replay.HistoryStore.Appended;
import dev.herald.replay.HistoryStore.Outcome;
import dev.herald.replay.api.ChannelHead;
import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.GapReason;
import dev.herald.replay.api.HistoryOptions;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.StoredEvent;
import dev.herald.testkit.Poll;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link HistoryStore} contract, run against every implementation: a subclass only says how to
 * make a store. Tests use their own channel names and wait on futures with a bounded timeout; time
 * passes for real (age and idle tests use short limits and poll with a deadline).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class HistoryStoreContract {
  private static final AtomicInteger CHANNELS = new AtomicInteger();
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration DAY = Duration.ofDays(1);
  private final List<HistoryStore> stores = new ArrayList<>();

  /** A new, empty store with these limits. */
  protected abstract HistoryStore newStore(HistoryOptions options);

  @AfterEach
  void closeStores() throws Exception {
    for (HistoryStore s : stores) {
      await(s.close());
    }
  }

  protected HistoryStore store(int maxEvents, Duration maxAge, Duration idle, int maxChannels) {
    HistoryStore s = newStore(new HistoryOptions(maxEvents, maxAge, idle, maxChannels));
    stores.add(s);
    return s;
  }

  protected HistoryStore store(int maxEvents) {
    return store(maxEvents, HOUR, DAY, 1000);
  }

  /** A channel name no other test (or earlier run against a shared store) uses. */
  protected static String channel(String what) {
    return "contract-" + what + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "-"
        + CHANNELS.incrementAndGet();
  }

  protected static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  protected static StoredEvent append(HistoryStore s, String channel, String data) throws Exception {
    Appended a = await(s.append(new PublishRequest(channel, "e", data, null)));
    assertEquals(Outcome.STORED, a.outcome());
    return a.event();
  }

  private static List<Long> seqs(HistoryPage p) {
    return p.events().stream().map(StoredEvent::seq).toList();
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }

  private static Cursor.Position at(StoredEvent e) {
    return e.position();
  }

  @Test
  void sequenceStartsAtOneWithoutHoles() throws Exception {
    HistoryStore s = store(100);
    String ch = channel("seq");
    StoredEvent first = append(s, ch, "{\"n\":1}");
    assertEquals(1, first.seq());
    assertTrue(first.epoch() >= 1 && first.epoch() < (1L << 48), "epoch in [1, 2^48)");
    assertEquals(ch, first.channel());
    assertEquals("e", first.event());
    assertEquals("{\"n\":1}", first.data());
    for (int i = 2; i <= 10; i++) {
      StoredEvent e = append(s, ch, String.valueOf(i));
      assertEquals(i, e.seq());
      assertEquals(first.epoch(), e.epoch());
    }
    HistoryPage p = await(s.read(ch, null, 100));
    assertEquals(range(1, 10), seqs(p));
    assertNull(p.gap());
    assertFalse(p.more());
    assertEquals(first.epoch(), p.epoch());
    assertEquals("10", p.events().get(9).data());
    assertEquals(first, p.events().get(0));
  }

  @Test
  void headsSayWhereEachChannelStandsInOrder() throws Exception {
    HistoryStore s = store(3);
    String a = channel("head-a");
    String b = channel("head-b");
    String none = channel("head-none");
    StoredEvent a1 = append(s, a, "1");
    for (int i = 2; i <= 5; i++) {
      append(s, a, String.valueOf(i)); // trimmed to the newest 3: the head is still the last sequence number
    }
    StoredEvent b1 = append(s, b, "1");
    List<ChannelHead> heads = await(s.heads(List.of(none, a, b)));
    assertEquals(List.of(none, a, b), heads.stream().map(ChannelHead::channel).toList(), "in the order asked");
    assertEquals(ChannelHead.none(none), heads.get(0));
    assertEquals(List.of(a1.epoch(), 5L), List.of(heads.get(1).epoch(), heads.get(1).seq()));
    assertEquals(new ChannelHead(b, b1.epoch(), 1, b1.publishedAt() / 1000), heads.get(2));
    assertFalse(await(s.heads(List.of(none))).get(0).exists());
    assertEquals(List.of(), await(s.heads(List.of())));
  }

  @Test
  void trimsToExactlyTheNewestMaxEvents() throws Exception {
    HistoryStore s = store(5);
    String ch = channel("trim");
    List<StoredEvent> all = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      all.add(append(s, ch, String.valueOf(i)));
    }
    HistoryPage p = await(s.read(ch, null, 100));
    assertEquals(range(8, 12), seqs(p));
    assertNull(p.gap(), "reading from the oldest is never a gap");

    HistoryPage gap = await(s.read(ch, at(all.get(1)), 100));
    assertEquals(GapReason.TRIMMED, gap.gap());
    assertEquals(range(8, 12), seqs(gap), "after a gap: the events from the oldest retained");

    HistoryPage edge = await(s.read(ch, at(all.get(6)), 100));
    assertNull(edge.gap(), "seq 7 is just before the oldest retained: nothing is missing");
    assertEquals(range(8, 12), seqs(edge));

    HistoryPage justMissing = await(s.read(ch, at(all.get(5)), 100));
    assertEquals(GapReason.TRIMMED, justMissing.gap(), "seq 7 is gone");

    HistoryPage end = await(s.read(ch, at(all.get(11)), 100));
    assertNull(end.gap());
    assertTrue(end.events().isEmpty());
    assertFalse(end.more());
  }

  @Test
  void readsAfterACursorInPages() throws Exception {
    HistoryStore s = store(100);
    String ch = channel("page");
    List<StoredEvent> all = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      all.add(append(s, ch, "\"v" + i + "\""));
    }
    HistoryPage p1 = await(s.read(ch, at(all.get(1)), 2));
    assertEquals(List.of(3L, 4L), seqs(p1));
    assertTrue(p1.more());
    assertNull(p1.gap());
    HistoryPage p2 = await(s.read(ch, at(p1.events().get(1)), 2));
    assertEquals(List.of(5L, 6L), seqs(p2));
    assertTrue(p2.more());
    HistoryPage p3 = await(s.read(ch, at(p2.events().get(1)), 2));
    assertEquals(List.of(7L), seqs(p3));
    assertFalse(p3.more());
    HistoryPage exact = await(s.read(ch, at(all.get(4)), 2));
    assertEquals(List.of(6L, 7L), seqs(exact));
    assertFalse(exact.more(), "no more when the page ends at the newest event");
    HistoryPage fromOldest = await(s.read(ch, null, 3));
    assertEquals(List.of(1L, 2L, 3L), seqs(fromOldest));
    assertTrue(fromOldest.more());
    assertEquals(all.get(2), fromOldest.events().get(2));
  }

  @Test
  void eventsOlderThanMaxAgeAreNeverReturned() throws Exception {
    HistoryStore s = store(100, Duration.ofMillis(300), DAY, 1000);
    String ch = channel("age");
    StoredEvent first = append(s, ch, "1");
    append(s, ch, "2");
    StoredEvent last = append(s, ch, "3");
    // no expire() here: reads must drop aged events by themselves
    HistoryPage[] empty = new HistoryPage[1];
    Poll.await("events to age out", Duration.ofSeconds(20), () -> {
      empty[0] = await(s.read(ch, null, 100));
      return empty[0].events().isEmpty();
    });
    assertEquals(first.epoch(), empty[0].epoch(), "the channel itself is not idle yet");
    assertNull(empty[0].gap());
    HistoryPage gap = await(s.read(ch, at(first), 100));
    assertEquals(GapReason.EXPIRED, gap.gap());
    assertTrue(gap.events().isEmpty());
    HistoryPage none = await(s.read(ch, at(last), 100));
    assertNull(none.gap(), "nothing after the newest event is missing");
    assertEquals(4, append(s, ch, "4").seq(), "the sequence goes on within the epoch");
  }

  @Test
  void idleChannelIsRemovedAndComesBackInANewEpoch() throws Exception {
    HistoryStore s = store(100, HOUR, Duration.ofMillis(1500), 1000);
    String ch = channel("idle");
    StoredEvent old = append(s, ch, "\"before\"");
    Poll.await("the idle channel to be removed", Duration.ofSeconds(20), () -> {
      await(s.expire());
      return await(s.read(ch, null, 10)).epoch() == 0;
    });
    HistoryPage gone = await(s.read(ch, at(old), 10));
    assertEquals(0, gone.epoch());
    assertEquals(GapReason.EXPIRED, gone.gap(), "the cursor is older than idleChannelTtl");
    assertTrue(gone.events().isEmpty());

    StoredEvent fresh = append(s, ch, "\"after\"");
    assertEquals(1, fresh.seq(), "a new channel starts at 1");
    assertNotEquals(old.epoch(), fresh.epoch(), "a re-created channel has a new epoch");
    HistoryPage p = await(s.read(ch, at(old), 10));
    assertEquals(GapReason.EXPIRED, p.gap());
    assertEquals(fresh.epoch(), p.epoch());
    assertEquals(List.of(fresh), p.events(), "after an epoch gap: the events of the new epoch from the oldest");
  }

  @Test
  void aCursorOfAnotherRecentEpochIsAReset() throws Exception {
    HistoryStore s = store(100);
    String ch = channel("reset");
    StoredEvent e1 = append(s, ch, "1");
    append(s, ch, "2");
    long otherEpoch = e1.epoch() == 1 ? 2 : e1.epoch() - 1;
    Cursor.Position lost = new Cursor.Position(Cursor.key(ch), otherEpoch, 40, System.currentTimeMillis() / 1000);
    HistoryPage p = await(s.read(ch, lost, 100));
    assertEquals(GapReason.RESET, p.gap(), "a recent cursor of another epoch: the store lost the channel");
    assertEquals(List.of(1L, 2L), seqs(p));
    Cursor.Position ancient = new Cursor.Position(Cursor.key(ch), otherEpoch, 40, 1);
    assertEquals(GapReason.EXPIRED, await(s.read(ch, ancient, 100)).gap(),
        "a cursor older than idleChannelTtl: the channel may have been removed for idleness");
  }

  /** One channel's head through {@link HistoryStore#heads}, as a position. */
  private static Cursor.Position head(HistoryStore s, String ch) throws Exception {
    return await(s.heads(List.of(ch))).get(0).position();
  }

  @Test
  void headIsTheNewestPositionEvenWhenNothingIsRetained() throws Exception {
    HistoryStore s = store(2, Duration.ofMillis(400), DAY, 1000);
    String ch = channel("head");
    assertEquals(new Cursor.Position(Cursor.key(ch), 0, 0, 0), head(s, ch), "no channel: the start");
    append(s, ch, "1");
    append(s, ch, "2");
    StoredEvent third = append(s, ch, "3");
    Cursor.Position head = head(s, ch);
    assertEquals(new Cursor.Position(Cursor.key(ch), third.epoch(), 3, third.publishedAt() / 1000), head);
    Poll.await("events to age out", Duration.ofSeconds(20), () -> await(s.read(ch, null, 10)).events().isEmpty());
    assertEquals(head, head(s, ch), "aged-out events still count: the next one is 4");
    assertEquals(4, append(s, ch, "4").seq());
    assertEquals(4, head(s, ch).seq());
  }

  @Test
  void headOfAnIdleChannelIsTheStart() throws Exception {
    HistoryStore s = store(100, HOUR, Duration.ofMillis(600), 1000);
    String ch = channel("head-idle");
    append(s, ch, "1");
    assertEquals(1, head(s, ch).seq());
    Cursor.Position start = new Cursor.Position(Cursor.key(ch), 0, 0, 0);
    Poll.await("the idle channel to have no head", Duration.ofSeconds(20), () -> head(s, ch).equals(start));
  }

  @Test
  void unknownChannel() throws Exception {
    HistoryStore s = store(100);
    String ch = channel("unknown");
    HistoryPage p = await(s.read(ch, null, 10));
    assertEquals(0, p.epoch());
    assertTrue(p.events().isEmpty());
    assertNull(p.gap(), "no cursor: nothing is missing");
    assertFalse(p.more());
    Cursor.Position recent = new Cursor.Position(Cursor.key(ch), 77, 3, System.currentTimeMillis() / 1000);
    assertEquals(GapReason.RESET, await(s.read(ch, recent, 10)).gap());
    Cursor.Position old = new Cursor.Position(Cursor.key(ch), 77, 3, 1000);
    HistoryPage expired = await(s.read(ch, old, 10));
    assertEquals(GapReason.EXPIRED, expired.gap());
    assertEquals(0, expired.epoch());
  }

  @Test
  void aSequenceNumberFromTheFutureIsAnInvalidCursor() throws Exception {
    HistoryStore s = store(100);
    String ch = channel("future");
    StoredEvent e = append(s, ch, "1");
    append(s, ch, "2");
    Cursor.Position ahead = new Cursor.Position(Cursor.key(ch), e.epoch(), 3, e.publishedAt() / 1000);
    HistoryPage p = await(s.read(ch, ahead, 10));
    assertEquals(GapReason.INVALID_CURSOR, p.gap());
    assertTrue(p.events().isEmpty());
    assertEquals(e.epoch(), p.epoch());
  }

  @Test
  void idempotencyDuplicateAndConflict() throws Exception {
    HistoryStore s = store(100);
    String ch = channel("idem");
    Appended first = await(s.append(new PublishRequest(ch, "goal", "{\"a\":1,\"b\":[1.5,\"x\"]}", "k1")));
    assertEquals(Outcome.STORED, first.outcome());
    Appended again = await(s.append(new PublishRequest(ch, "goal", "{\"b\":[1.50,\"x\"],\"a\":1.0}", "k1")));
    assertEquals(Outcome.DUPLICATE, again.outcome(), "JSON-equal data is the same event");
    assertEquals(first.event(), again.event(), "a duplicate answers with the first event");
    Appended otherData = await(s.append(new PublishRequest(ch, "goal", "{\"a\":2,\"b\":[1.5,\"x\"]}", "k1")));
    assertEquals(Outcome.CONFLICT, otherData.outcome());
    assertNull(otherData.event());
    Appended otherName = await(s.append(new PublishRequest(ch, "miss", "{\"a\":1,\"b\":[1.5,\"x\"]}", "k1")));
    assertEquals(Outcome.CONFLICT, otherName.outcome());
    Appended unnamed = await(s.append(new PublishRequest(ch, null, "{\"a\":1,\"b\":[1.5,\"x\"]}", "k1")));
    assertEquals(Outcome.CONFLICT, unnamed.outcome());
    assertEquals(List.of(1L), seqs(await(s.read(ch, null, 10))), "nothing stored for duplicates and conflicts");

    String other = channel("idem-other");
    Appended elsewhere = await(s.append(new PublishRequest(other, "goal", "3", "k1")));
    assertEquals(Outcome.STORED, elsewhere.outcome(), "keys are per channel");
    Appended precise = await(s.append(new PublishRequest(ch, "n", "12345678901234567890.123456789", "big")));
    assertEquals(Outcome.STORED, precise.outcome());
    assertEquals(Outcome.CONFLICT,
        await(s.append(new PublishRequest(ch, "n", "12345678901234567890.123456788", "big"))).outcome(),
        "numbers are compared exactly");
  }

  @Test
  void anIdempotencyKeyIsForgottenWithItsEvent() throws Exception {
    HistoryStore s = store(2);
    String ch = channel("forget");
    assertEquals(Outcome.STORED, await(s.append(new PublishRequest(ch, "e", "1", "k"))).outcome());
    assertEquals(Outcome.DUPLICATE, await(s.append(new PublishRequest(ch, "e", "1", "k"))).outcome());
    append(s, ch, "2");
    append(s, ch, "3");
    Appended later = await(s.append(new PublishRequest(ch, "e", "\"other\"", "k")));
    assertEquals(Outcome.STORED, later.outcome(), "the key went with its trimmed event");
    assertEquals(4, later.event().seq());
    assertEquals(Outcome.DUPLICATE, await(s.append(new PublishRequest(ch, "e", "\"other\"", "k"))).outcome(),
        "the key now names the new event");
  }

  @Test
  void appendAllStoresInOrder() throws Exception {
    HistoryStore s = store(100);
    String a = channel("batch-a");
    String b = channel("batch-b");
    List<Appended> out = await(s.appendAll(List.of(
        new PublishRequest(a, "x", "1", null),
        new PublishRequest(b, "x", "2", null),
        new PublishRequest(a, "x", "3", "ka"),
        new PublishRequest(a, "x", "3", "ka"),
        new PublishRequest(b, null, "{}", null))));
    assertEquals(List.of(Outcome.STORED, Outcome.STORED, Outcome.STORED, Outcome.DUPLICATE, Outcome.STORED),
        out.stream().map(Appended::outcome).toList());
    assertEquals(List.of(1L, 1L, 2L, 2L, 2L), out.stream().map(x -> x.event().seq()).toList());
    assertEquals(out.get(2).event(), out.get(3).event(), "a repeated key in a batch answers with the first event");
    HistoryPage pa = await(s.read(a, null, 10));
    assertEquals(List.of("1", "3"), pa.events().stream().map(StoredEvent::data).toList());
    HistoryPage pb = await(s.read(b, null, 10));
    assertEquals(List.of("2", "{}"), pb.events().stream().map(StoredEvent::data).toList());
    assertNull(pb.events().get(1).event());
  }

  @Test
  void aBatchWithAConflictStoresNothing() throws Exception {
    HistoryStore s = store(100);
    String ch = channel("batch-conflict");
    await(s.append(new PublishRequest(ch, "e", "1", "used")));
    List<Appended> out = await(s.appendAll(List.of(
        new PublishRequest(ch, "e", "2", null),
        new PublishRequest(ch, "e", "3", "used"),
        new PublishRequest(ch, "e", "4", "fresh"),
        new PublishRequest(ch, "e", "5", "fresh"))));
    assertEquals(List.of(Outcome.SKIPPED, Outcome.CONFLICT, Outcome.SKIPPED, Outcome.CONFLICT),
        out.stream().map(Appended::outcome).toList());
    assertEquals(List.of(1L), seqs(await(s.read(ch, null, 10))));
    assertEquals(2, append(s, ch, "6").seq(), "no sequence number was used up");
  }

  @Test
  void channelsAreBoundedByMaxChannels() throws Exception {
    HistoryStore s = store(10, HOUR, DAY, 3);
    String a = channel("bound-a");
    append(s, a, "1");
    append(s, channel("bound-b"), "1");
    append(s, channel("bound-c"), "1");
    assertEquals(3L, await(s.channelCount()));
    Exception e = assertThrows(Exception.class, () -> await(s.append(new PublishRequest(channel("bound-d"), "e", "1", null))));
    assertNotNull(e.getMessage());
    assertEquals(2, append(s, a, "2").seq(), "existing channels still take events");
    assertThrows(Exception.class, () -> await(s.appendAll(List.of(new PublishRequest(a, "e", "3", null),
        new PublishRequest(channel("bound-e"), "e", "1", null)))));
    assertEquals(List.of(1L, 2L), seqs(await(s.read(a, null, 10))), "a refused batch stores nothing");
    assertEquals(3L, await(s.channelCount()));
  }

  @Test
  void concurrentAppendsGetEverySequenceNumberOnce() throws Exception {
    HistoryStore s = store(1000);
    String ch = channel("concurrent");
    int threads = 4;
    int each = 150;
    List<Long> seen = Collections.synchronizedList(new ArrayList<>());
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w = new Thread(() -> {
        try {
          go.await();
          List<Future<Appended>> pending = new ArrayList<>();
          for (int i = 0; i < each; i++) {
            pending.add(s.append(new PublishRequest(ch, "t" + id, String.valueOf(i), null)));
          }
          for (Future<Appended> f : pending) {
            seen.add(await(f).event().seq());
          }
        } catch (Throwable x) {
          errors.add(x);
        }
      });
      workers.add(w);
      w.start();
    }
    go.countDown();
    for (Thread w : workers) {
      w.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertTrue(errors.isEmpty(), () -> "append failed: " + errors);
    List<Long> sorted = new ArrayList<>(seen);
    Collections.sort(sorted);
    assertEquals(range(1, threads * each), sorted, "every sequence number exactly once");
    List<StoredEvent> read = new ArrayList<>();
    Cursor.Position after = null;
    HistoryPage p;
    do {
      p = await(s.read(ch, after, 100));
      read.addAll(p.events());
      after = p.events().isEmpty() ? after : at(p.events().get(p.events().size() - 1));
    } while (p.more());
    assertEquals(range(1, threads * each), read.stream().map(StoredEvent::seq).toList());
    // each thread's events are stored in the order it issued them
    for (int t = 0; t < threads; t++) {
      String name = "t" + t;
      List<String> mine = read.stream().filter(x -> name.equals(x.event())).map(StoredEvent::data).toList();
      assertEquals(range(0, each - 1).stream().map(String::valueOf).toList(), mine);
    }
  }

  @Test
  void pingAndHousekeepingKeepLiveChannels() throws Exception {
    HistoryStore s = store(10);
    await(s.ping());
    String ch = channel("live");
    StoredEvent e = append(s, ch, "1");
    assertTrue(await(s.expire()) >= 0);
    HistoryPage p = await(s.read(ch, null, 10));
    assertEquals(List.of(e), p.events(), "housekeeping keeps fresh events of live channels");
  }
}
