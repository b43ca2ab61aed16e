package dev.herald.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.herald.heartbeat.api.Session;
import dev.herald.heartbeat.api.SessionPage;
import dev.herald.heartbeat.api.StartResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link PresenceStore} contract, run against every implementation: a subclass gives
 * {@link #newStore(int)} (a new, <em>empty</em> store, e.g. under its own key prefix) and may override
 * {@link #closeStore(PresenceStore)}. Every call is waited on with a bounded timeout, so asynchronous
 * stores are tested the same way as the memory one. A full store must fail {@code start} with
 * {@link SessionLimitException}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class PresenceStoreContract {
  private static final long WAIT_SECONDS = 10;
  private static final int THREADS = 4;

  private final List<PresenceStore> stores = new ArrayList<>();
  private ExecutorService pool;
  /** A realistic clock base: every time given to a store in a test is t0 plus some milliseconds. */
  protected long t0;

  /** A new, empty store that holds at most {@code maxSessions} sessions. */
  protected abstract PresenceStore newStore(int maxSessions) throws Exception;

  /** Releases a store made by {@link #newStore(int)}; runs after each test. */
  protected void closeStore(PresenceStore store) throws Exception {
    await(store.close());
  }

  @BeforeEach
  void setUpContract() {
    pool = Executors.newFixedThreadPool(THREADS);
    t0 = System.currentTimeMillis() - 60_000;
  }

  @AfterEach
  void tearDownContract() throws Exception {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS), "test threads did not end");
    for (PresenceStore s : stores) {
      closeStore(s);
    }
    stores.clear();
  }

  private PresenceStore store(int maxSessions) throws Exception {
    PresenceStore s = newStore(maxSessions);
    stores.add(s);
    return s;
  }

  protected static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  protected static Throwable awaitFailure(Future<?> future) throws Exception {
    try {
      future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    return fail("expected a failure");
  }

  /** Starts all sessions at {@code now}, issuing the calls together, and waits for all of them. */
  private static void startAll(PresenceStore store, List<String> ids, long now) throws Exception {
    List<Future<StartResult>> starts = new ArrayList<>();
    for (String id : ids) {
      starts.add(store.start(id, "user-" + id, null, now));
    }
    await(Future.all(starts));
    for (Future<StartResult> f : starts) {
      assertFalse(f.result().reconnect(), "a new session connects");
    }
  }

  private static List<String> ids(String prefix, int n) {
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(String.format("%s%05d", prefix, i));
    }
    return ids;
  }

  /** Runs the tasks on the pool, all released at once, and answers their results. */
  private <T> List<T> race(List<Callable<T>> tasks) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<java.util.concurrent.Future<T>> running = new ArrayList<>();
    for (Callable<T> task : tasks) {
      running.add(pool.submit(() -> {
        go.await();
        return task.call();
      }));
    }
    go.countDown();
    List<T> results = new ArrayList<>();
    for (java.util.concurrent.Future<T> f : running) {
      results.add(f.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  @Test
  void connectThenReconnectKeepsConnectedAtAndMovesLastSeenAt() throws Exception {
    PresenceStore store = store(100);
    StartResult first = await(store.start("alice-1", "alice", new JsonObject().put("tab", 1), t0));
    assertFalse(first.reconnect());
    assertEquals(new Session("alice-1", "alice", new JsonObject().put("tab", 1), t0, t0), first.session());

    StartResult again = await(store.start("alice-1", "alice", null, t0 + 500));
    assertTrue(again.reconnect());
    assertEquals(t0, again.session().connectedAt(), "a reconnect keeps connectedAt");
    assertEquals(t0 + 500, again.session().lastSeenAt(), "a reconnect moves lastSeenAt");
    assertEquals(new JsonObject().put("tab", 1), again.session().meta(), "meta is kept when none is given");

    StartResult withMeta = await(store.start("alice-1", "alice", new JsonObject().put("tab", 2), t0 + 900));
    assertTrue(withMeta.reconnect());
    assertEquals(new JsonObject().put("tab", 2), withMeta.session().meta(), "meta given at a reconnect replaces it");
    assertEquals(withMeta.session(), await(store.get("alice-1")));

    assertNotNull(await(store.remove("alice-1")));
    StartResult fresh = await(store.start("alice-1", "alice", null, t0 + 2000));
    assertFalse(fresh.reconnect(), "after a stop the same id connects again");
    assertEquals(t0 + 2000, fresh.session().connectedAt());
    assertEquals(new JsonObject(), fresh.session().meta());
  }

  @Test
  void concurrentStartsOfOneNewIdConnectExactlyOnce() throws Exception {
    PresenceStore store = store(1000);
    for (int round = 0; round < 40; round++) {
      String id = "race-" + round;
      List<Callable<Boolean>> starts = new ArrayList<>();
      for (int t = 0; t < THREADS * 2; t++) {
        long now = t0 + t;
        starts.add(() -> await(store.start(id, "u", null, now)).reconnect());
      }
      List<Boolean> reconnects = race(starts);
      assertEquals(1, Collections.frequency(reconnects, false), "exactly one connect for " + id);
      Session s = await(store.get(id));
      assertNotNull(s);
    }
    assertEquals(40L, await(store.count()));
  }

  @Test
  void touchMovesLastSeenAtAndAnswersMissingIds() throws Exception {
    PresenceStore store = store(100);
    startAll(store, List.of("t-a", "t-b"), t0);
    assertEquals(Set.of("t-c"), await(store.touch(List.of("t-a", "t-b", "t-c"), t0 + 100)));
    assertEquals(t0 + 100, await(store.get("t-a")).lastSeenAt());
    assertEquals(t0 + 100, await(store.get("t-b")).lastSeenAt());
    assertEquals(t0, await(store.get("t-a")).connectedAt());
    assertEquals(Set.of(), await(store.touch(List.of(), t0 + 200)));
    assertNotNull(await(store.remove("t-b")));
    assertEquals(Set.of("t-b"), await(store.touch(List.of("t-a", "t-b"), t0 + 300)));
    assertNull(await(store.get("t-b")), "a touch never brings a session back");
    assertEquals(1L, await(store.count()));
  }

  @Test
  void removeAnswersTheSessionOnceThenNull() throws Exception {
    PresenceStore store = store(100);
    StartResult started = await(store.start("r-1", "bob", new JsonObject().put("k", "v"), t0));
    assertEquals(started.session(), await(store.remove("r-1")));
    assertNull(await(store.remove("r-1")));
    assertNull(await(store.get("r-1")));
    assertNull(await(store.remove("never-started")));
    assertEquals(0L, await(store.count()));
  }

  @Test
  void claimExpiredTakesOnlySessionsLastSeenBeforeTheLimit() throws Exception {
    PresenceStore store = store(100);
    startAll(store, List.of("e-old", "e-beaten", "e-edge"), t0);
    startAll(store, List.of("e-new"), t0 + 400);
    await(store.touch(List.of("e-beaten"), t0 + 500));
    await(store.touch(List.of("e-edge"), t0 + 300));

    List<Session> claimed = await(store.claimExpired(t0 + 300, 100));
    assertEquals(List.of("e-old"), claimed.stream().map(Session::sessionId).toList(),
        "only sessions last seen strictly before the limit are claimed");
    assertEquals(t0, claimed.get(0).lastSeenAt());
    assertEquals("user-e-old", claimed.get(0).userId());
    assertEquals(List.of(), await(store.claimExpired(t0 + 300, 100)), "a claimed session is gone");
    assertNull(await(store.get("e-old")));
    assertNull(await(store.remove("e-old")), "a claimed session cannot be removed again");
    assertNotNull(await(store.get("e-beaten")));
    assertNotNull(await(store.get("e-edge")));
    assertNotNull(await(store.get("e-new")));
    assertEquals(3L, await(store.count()));
  }

  @Test
  void claimExpiredRespectsMax() throws Exception {
    PresenceStore store = store(100);
    startAll(store, ids("m-", 10), t0);
    Set<String> all = new HashSet<>();
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      List<Session> batch = await(store.claimExpired(t0 + 1, 3));
      sizes.add(batch.size());
      batch.forEach(s -> assertTrue(all.add(s.sessionId()), "claimed twice: " + s.sessionId()));
    }
    assertEquals(List.of(3, 3, 3, 1, 0), sizes);
    assertEquals(new HashSet<>(ids("m-", 10)), all);
  }

  @Test
  void concurrentClaimersTakeEverySessionExactlyOnce() throws Exception {
    PresenceStore store = store(10_000);
    List<String> expired = ids("cc-", 3000);
    startAll(store, expired, t0);
    long seenBefore = t0 + 1000;
    List<Callable<List<String>>> claimers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      String fresh = "fresh-" + t + "-";
      claimers.add(() -> {
        List<String> mine = new ArrayList<>();
        for (int i = 0; ; i++) {
          List<Session> batch = await(store.claimExpired(seenBefore, 37));
          for (Session s : batch) {
            assertTrue(s.lastSeenAt() < seenBefore, "claimed a live session " + s);
            mine.add(s.sessionId());
          }
          // interleave: a session that is not expired connects between claims, and must never be claimed
          await(store.start(fresh + i, "u", null, seenBefore + 10_000));
          if (batch.isEmpty()) {
            return mine;
          }
        }
      });
    }
    Map<String, Integer> times = new HashMap<>();
    for (List<String> mine : race(claimers)) {
      mine.forEach(id -> times.merge(id, 1, Integer::sum));
    }
    assertEquals(new HashSet<>(expired), times.keySet(), "every expired session is claimed, and only those");
    times.forEach((id, n) -> assertEquals(1, n, id + " claimed " + n + " times"));
    long fresh = await(store.count());
    assertTrue(fresh >= THREADS, "the fresh sessions stay connected");
    assertEquals(List.of(), await(store.claimExpired(seenBefore, 1000)));
    assertEquals(fresh, await(store.count()));
  }

  @Test
  void removeRacingClaimEndsEverySessionExactlyOnce() throws Exception {
    PresenceStore store = store(10_000);
    List<String> expired = ids("rc-", 2000);
    startAll(store, expired, t0);
    List<String> reversed = new ArrayList<>(expired);
    Collections.reverse(reversed);
    List<Callable<List<String>>> enders = new ArrayList<>();
    for (List<String> order : List.of(expired, reversed)) {
      enders.add(() -> {
        List<String> removed = new ArrayList<>();
        for (String id : order) {
          Session s = await(store.remove(id));
          if (s != null) {
            assertEquals(id, s.sessionId());
            removed.add(id);
          }
        }
        return removed;
      });
    }
    for (int t = 0; t < 2; t++) {
      enders.add(() -> {
        List<String> claimed = new ArrayList<>();
        List<Session> batch;
        do {
          batch = await(store.claimExpired(t0 + 1, 25));
          batch.forEach(s -> claimed.add(s.sessionId()));
        } while (!batch.isEmpty());
        return claimed;
      });
    }
    Map<String, Integer> ends = new HashMap<>();
    for (List<String> ended : race(enders)) {
      ended.forEach(id -> ends.merge(id, 1, Integer::sum));
    }
    assertEquals(new HashSet<>(expired), ends.keySet(), "every session ends");
    ends.forEach((id, n) -> assertEquals(1, n, id + " ended " + n + " times"));
    assertEquals(0L, await(store.count()));
  }

  @Test
  void aLeaveEndsTheSessionAtItsDepartureOnlyWhileNothingTookItsMarkAway() throws Exception {
    PresenceStore store = store(100);
    await(store.start("lv-gone", null, null, t0));
    await(store.start("lv-beat", null, null, t0));
    await(store.start("lv-start", null, null, t0));
    await(store.start("lv-twice", null, null, t0));
    assertFalse(await(store.leave("lv-never", "t0")), "not connected: nothing to leave");
    for (String id : List.of("lv-gone", "lv-beat", "lv-start")) {
      assertTrue(await(store.leave(id, "t-" + id)));
    }
    assertEquals(List.of(), await(store.beat(List.of("lv-twice"), t0 + 5)).resumed(), "not leaving: nothing resumed");
    PresenceStore.Beaten beaten = await(store.beat(List.of("lv-beat", "lv-none"), t0 + 10));
    assertEquals(Set.of("lv-none"), beaten.missing());
    assertEquals(List.of("lv-beat"), beaten.resumed().stream().map(Session::sessionId).toList());
    assertEquals(t0 + 10, beaten.resumed().get(0).lastSeenAt());
    assertTrue(await(store.start("lv-start", null, null, t0 + 10)).reconnect());
    assertTrue(await(store.leave("lv-twice", "first")));
    assertTrue(await(store.leave("lv-twice", "second")), "a later leave replaces the earlier one");

    assertEquals("lv-gone", await(store.depart("lv-gone", "t-lv-gone")).sessionId());
    assertNull(await(store.depart("lv-gone", "t-lv-gone")), "once");
    assertNull(await(store.depart("lv-beat", "t-lv-beat")), "a beat took the mark away");
    assertNull(await(store.depart("lv-start", "t-lv-start")), "a start took the mark away");
    assertNull(await(store.depart("lv-twice", "first")), "only the latest leave departs");
    assertEquals("lv-twice", await(store.depart("lv-twice", "second")).sessionId());
    assertNull(await(store.get("lv-gone")));
    assertNotNull(await(store.get("lv-beat")));
    assertNotNull(await(store.get("lv-start")));
    assertEquals(2L, await(store.count()));
    assertEquals(List.of(), await(store.beat(List.of("lv-beat"), t0 + 20)).resumed(), "the mark is gone for good");
  }

  @Test
  void departRacingRemoveClaimAndBeatsEndsEachLeavingSessionAtMostOnce() throws Exception {
    PresenceStore store = store(10_000);
    List<String> leaving = ids("dr-", 600);
    startAll(store, leaving, t0);
    for (String id : leaving) {
      assertTrue(await(store.leave(id, "tok-" + id)));
    }
    List<Callable<List<String>>> enders = new ArrayList<>();
    enders.add(() -> {
      List<String> departed = new ArrayList<>();
      for (String id : leaving) {
        Session s = await(store.depart(id, "tok-" + id));
        if (s != null) {
          departed.add(id);
        }
      }
      return departed;
    });
    enders.add(() -> {
      List<String> removed = new ArrayList<>();
      for (int i = leaving.size() - 1; i >= 0; i -= 3) {
        if (await(store.remove(leaving.get(i))) != null) {
          removed.add(leaving.get(i));
        }
      }
      return removed;
    });
    enders.add(() -> {
      List<String> claimed = new ArrayList<>();
      List<Session> batch;
      do {
        batch = await(store.claimExpired(t0 + 1, 20));
        batch.forEach(s -> claimed.add(s.sessionId()));
      } while (!batch.isEmpty());
      return claimed;
    });
    enders.add(() -> {
      for (int i = 1; i < leaving.size(); i += 2) {
        await(store.beat(List.of(leaving.get(i)), t0 + 5));
      }
      return List.of();
    });
    Map<String, Integer> ends = new HashMap<>();
    for (List<String> ended : race(enders)) {
      ended.forEach(id -> ends.merge(id, 1, Integer::sum));
    }
    ends.forEach((id, n) -> assertEquals(1, n, id + " ended " + n + " times"));
    for (String id : leaving) {
      boolean connected = await(store.get(id)) != null;
      assertTrue(connected ^ ends.containsKey(id), id + ": connected or ended once, not both");
    }
  }

  @Test
  void touchRacingClaimEitherKeepsOrEndsEachSession() throws Exception {
    PresenceStore store = store(10_000);
    List<String> expired = ids("tc-", 1000);
    startAll(store, expired, t0);
    long seenBefore = t0 + 1000;
    Set<String> touched = ConcurrentHashMap.newKeySet();
    List<Callable<List<String>>> tasks = new ArrayList<>();
    tasks.add(() -> {
      for (String id : expired) {
        if (await(store.touch(List.of(id), seenBefore + 5000)).isEmpty()) {
          touched.add(id);
        }
      }
      return List.of();
    });
    for (int t = 0; t < 2; t++) {
      tasks.add(() -> {
        List<String> claimed = new ArrayList<>();
        List<Session> batch;
        do {
          batch = await(store.claimExpired(seenBefore, 20));
          batch.forEach(s -> claimed.add(s.sessionId()));
        } while (!batch.isEmpty());
        return claimed;
      });
    }
    Map<String, Integer> claimed = new HashMap<>();
    for (List<String> ids : race(tasks)) {
      ids.forEach(id -> claimed.merge(id, 1, Integer::sum));
    }
    claimed.forEach((id, n) -> assertEquals(1, n, id + " claimed " + n + " times"));
    for (String id : expired) {
      boolean wasClaimed = claimed.containsKey(id);
      assertTrue(wasClaimed ^ touched.contains(id), id + ": claimed " + wasClaimed + ", touched " + touched.contains(id));
      assertEquals(!wasClaimed, await(store.get(id)) != null, id + " is connected unless claimed");
    }
    assertEquals((long) touched.size(), await(store.count()));
  }

  @Test
  void listPagesInIdOrderWithFullSessions() throws Exception {
    PresenceStore store = store(100);
    SessionPage empty = await(store.list(null, 10));
    assertEquals(List.of(), empty.sessions());
    assertNull(empty.cursor());

    startAll(store, List.of("l-c", "l-a", "l-b", "l-e", "l-d"), t0);
    SessionPage first = await(store.list(null, 2));
    assertEquals(List.of("l-a", "l-b"), first.sessions().stream().map(Session::sessionId).toList());
    assertEquals("l-b", first.cursor());
    assertEquals(new Session("l-a", "user-l-a", new JsonObject(), t0, t0), first.sessions().get(0));
    SessionPage second = await(store.list(first.cursor(), 2));
    assertEquals(List.of("l-c", "l-d"), second.sessions().stream().map(Session::sessionId).toList());
    SessionPage last = await(store.list(second.cursor(), 2));
    assertEquals(List.of("l-e"), last.sessions().stream().map(Session::sessionId).toList());
    assertNull(last.cursor(), "a short page is the last");
    SessionPage after = await(store.list("l-e", 10));
    assertEquals(List.of(), after.sessions());
    assertNull(after.cursor());
    SessionPage between = await(store.list("l-bb", 10));
    assertEquals(List.of("l-c", "l-d", "l-e"), between.sessions().stream().map(Session::sessionId).toList(),
        "a cursor need not be a connected id");
  }

  @Test
  void listPagingNeverSkipsOrRepeatsAStableSessionWhileOthersComeAndGo() throws Exception {
    PresenceStore store = store(10_000);
    List<String> all = ids("lp-", 300);
    startAll(store, all, t0);
    Set<String> stable = new HashSet<>();
    List<String> churn = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      (i % 3 == 0 ? stable : churn).add(all.get(i));
    }
    Collections.shuffle(churn, new java.util.Random(7));
    Map<String, Integer> seen = new HashMap<>();
    String cursor = null;
    int pages = 0;
    int churned = 0;
    do {
      SessionPage page = await(store.list(cursor, 20));
      assertTrue(page.sessions().size() <= 20);
      String previous = cursor;
      for (Session s : page.sessions()) {
        assertTrue(previous == null || s.sessionId().compareTo(previous) > 0, "ids ascend past the cursor");
        previous = s.sessionId();
        seen.merge(s.sessionId(), 1, Integer::sum);
      }
      cursor = page.cursor();
      // between pages: some churn sessions leave, new ones arrive on both sides of the cursor
      for (int k = 0; k < 6 && churned < churn.size(); k++, churned++) {
        assertNotNull(await(store.remove(churn.get(churned))));
      }
      List<String> arrivals = new ArrayList<>();
      for (int k = 0; k < 6; k++) {
        arrivals.add(all.get((pages * 37 + k * 53) % all.size()) + "-new" + pages + "-" + k);
      }
      startAll(store, arrivals, t0);
      assertTrue(++pages < 200, "paging ends");
    } while (cursor != null);
    for (String id : stable) {
      assertEquals(1, seen.getOrDefault(id, 0), id + " is listed exactly once");
    }
    seen.forEach((id, n) -> assertEquals(1, n, id + " is never listed twice"));
  }

  @Test
  void maxSessionsBoundsNewSessionsAndChangesNothing() throws Exception {
    PresenceStore store = store(3);
    startAll(store, List.of("x-1", "x-2", "x-3"), t0);
    Throwable full = awaitFailure(store.start("x-4", "u", new JsonObject().put("a", 1), t0 + 10));
    assertInstanceOf(SessionLimitException.class, full);
    assertEquals(3, ((SessionLimitException) full).maxSessions());
    assertNull(await(store.get("x-4")), "a refused start changes nothing");
    assertEquals(3L, await(store.count()));
    assertTrue(await(store.start("x-1", "u", null, t0 + 20)).reconnect(), "a reconnect is allowed when full");
    assertNotNull(await(store.remove("x-2")));
    assertFalse(await(store.start("x-4", "u", null, t0 + 30)).reconnect(), "room again after a stop");
    assertEquals(1, await(store.claimExpired(t0 + 1, 10)).size(), "x-3 expires");
    assertFalse(await(store.start("x-5", "u", null, t0 + 40)).reconnect(), "room again after a purge");
    assertInstanceOf(SessionLimitException.class, awaitFailure(store.start("x-6", "u", null, t0 + 50)));
  }

  @Test
  void maxSessionsHoldsUnderConcurrentStarts() throws Exception {
    PresenceStore store = store(10);
    List<Callable<Boolean>> starts = new ArrayList<>();
    AtomicInteger refused = new AtomicInteger();
    for (String id : ids("cb-", 30)) {
      starts.add(() -> {
        try {
          return !await(store.start(id, "u", null, t0)).reconnect();
        } catch (SessionLimitException e) {
          refused.incrementAndGet();
          return false;
        }
      });
    }
    assertEquals(10, Collections.frequency(race(starts), true));
    assertEquals(20, refused.get());
    assertEquals(10L, await(store.count()));
    assertEquals(10, await(store.list(null, 100)).sessions().size());
  }

  @Test
  void getAnswersTheConnectedSessionAndItCannotBeChangedFromOutside() throws Exception {
    PresenceStore store = store(100);
    JsonObject meta = new JsonObject().put("device", "phone");
    await(store.start("g-1", "carol", meta, t0));
    meta.put("device", "changed by the caller");
    Session got = await(store.get("g-1"));
    assertEquals(new Session("g-1", "carol", new JsonObject().put("device", "phone"), t0, t0), got);
    got.meta().put("device", "changed again");
    assertEquals("phone", await(store.get("g-1")).meta().getString("device"));
    assertNull(await(store.get("g-unknown")));
    StartResult noUser = await(store.start("g-2", null, null, t0));
    assertNull(noUser.session().userId());
    assertNull(await(store.get("g-2")).userId());
  }

  @Test
  void countFollowsStartsAndEnds() throws Exception {
    PresenceStore store = store(100);
    assertEquals(0L, await(store.count()));
    startAll(store, List.of("n-1", "n-2", "n-3"), t0);
    await(store.start("n-1", "u", null, t0 + 5));
    assertEquals(3L, await(store.count()), "a reconnect adds nothing");
    await(store.remove("n-2"));
    assertEquals(2L, await(store.count()));
    await(store.claimExpired(t0 + 10, 10));
    assertEquals(0L, await(store.count()));
  }

  @Test
  void pingSucceeds() throws Exception {
    await(store(1).ping());
  }
}
