package dev.herald.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.heartbeat.api.Session;
import dev.herald.redis.RedisTimeoutException;
import dev.herald.testkit.Futures;
import dev.herald.testkit.Poll;
import dev.herald.testkit.RedisTarget;
import dev.herald.testkit.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redis trouble is an expected event: killed, calls fail (no hang) and everything works again after a
 * restart, scripts included (loaded again on the new connection); scripts flushed under a live connection
 * (NOSCRIPT), sent again by EVAL; frozen (SIGSTOP), calls fail with {@link RedisTimeoutException} after
 * the timeout; a stop whose reply comes after its timeout still gets its disconnect through the next purge.
 * One redis-server per test, stopped even when the test fails.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisPresenceOutageTest {
  private static final long TIMEOUT_MS = 500;
  private static final Duration RECOVERY = Duration.ofSeconds(20);
  private RedisTarget redis;
  private RedisServer server;
  private Vertx vertx;
  private RedisPresenceStore store;

  @BeforeEach
  void start() throws Exception {
    redis = RedisTarget.standalone();
    server = redis.server();
    vertx = redis.vertx();
    store = RedisPresenceStoreContract.store(redis, Futures.unique("t"), 1000, TIMEOUT_MS);
    await(store.loadScripts());
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null && server.isPaused()) {
      server.resume(); // a paused server would keep the client's close waiting
    }
    RedisTarget.close(redis);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return Futures.await(f);
  }

  /** The failure of {@code f}, which must fail (within the await bound: no hang). */
  private static Throwable failure(Future<?> f) throws Exception {
    return Futures.failure(f);
  }

  private void awaitRedisBack() throws Exception {
    Poll.await("the store answers again", RECOVERY, () -> Futures.await(store.ping().map(true).otherwise(false)));
  }

  @Test
  void killedRedisFailsCallsAndEverythingWorksAfterARestart() throws Exception {
    long now = System.currentTimeMillis();
    await(store.start("k-1", "u", null, now));
    server.kill();
    assertNotNull(failure(store.ping()));
    assertNotNull(failure(store.start("k-2", "u", null, now)));
    assertNotNull(failure(store.touch(List.of("k-1"), now)));
    assertNotNull(failure(store.claimExpired(now, 10)));
    assertNotNull(failure(store.count()));

    server.restart(); // no persistence: data and scripts are gone
    awaitRedisBack();
    assertFalse(await(store.start("k-1", "u", null, now + 1)).reconnect(), "Redis lost the session: it connects again");
    assertEquals(List.of(1L), server.call("SCRIPT", "EXISTS", RedisPresenceStore.script("start").sha()),
        "the script is known again, for the next EVALSHA");
    assertEquals(List.of("k-1"), await(store.claimExpired(now + 2, 10)).stream().map(Session::sessionId).toList());
  }

  @Test
  void scriptsFlushedUnderALiveConnectionAreSentAgain() throws Exception {
    long now = System.currentTimeMillis();
    await(store.start("n-1", "u", null, now));
    server.call("SCRIPT", "FLUSH");
    long reloadsBefore = store.scriptReloads();
    assertTrue(await(store.start("n-1", "u", null, now + 1)).reconnect(), "the start ran (by EVAL)");
    assertTrue(store.scriptReloads() > reloadsBefore, "NOSCRIPT answered by sending the script again");
    assertEquals(List.of(1L), server.call("SCRIPT", "EXISTS", RedisPresenceStore.script("start").sha()),
        "the script is known again, for the next EVALSHA");
    assertEquals(Set.of(), await(store.touch(List.of("n-1"), now + 2)));
  }

  @Test
  void frozenRedisFailsCallsWithinTheTimeoutAndRecovers() throws Exception {
    long now = System.currentTimeMillis();
    await(store.start("f-1", "u", null, now));
    server.pause();
    assertInstanceOf(RedisTimeoutException.class, failure(store.ping()));
    Throwable startFailure = failure(store.start("f-2", "u", null, now));
    assertInstanceOf(RedisTimeoutException.class, startFailure);
    assertTrue(startFailure.getMessage().contains(TIMEOUT_MS + " ms"), startFailure.getMessage());
    assertInstanceOf(RedisTimeoutException.class, failure(store.touch(List.of("f-1"), now + 1)));
    assertInstanceOf(RedisTimeoutException.class, failure(store.count()));
    List<Future<?>> many = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      many.add(store.get("f-1"));
    }
    for (Future<?> f : many) {
      assertInstanceOf(RedisTimeoutException.class, failure(f), "every waiting call fails: none hangs");
    }

    server.resume();
    awaitRedisBack();
    assertNotNull(await(store.get("f-1")));
    assertTrue(await(store.start("f-3", "u", null, now + 2)) != null);
  }

  @Test
  void aStopThatTimedOutIsNeverCarriedOutAfterwards() throws Exception {
    long now = System.currentTimeMillis();
    await(store.start("late-1", "u", null, now));
    await(store.ping()); // the connection is open: the stop is written at once
    server.pause();
    assertInstanceOf(RedisTimeoutException.class, failure(store.remove("late-1")));
    server.resume();
    awaitRedisBack();
    // Redis ran the stop when it woke, past the call's deadline: it removed nothing, so no disconnect
    // goes unpublished. The session is still connected, and a purge ends it exactly once.
    assertNotNull(await(store.get("late-1")), "the late stop was refused by Redis");
    assertEquals(List.of("late-1"), await(store.claimExpired(now + 1, 10)).stream().map(Session::sessionId).toList());
    assertNull(await(store.get("late-1")));
    assertEquals(List.of(), await(store.claimExpired(now + 60_000, 10)), "ended once");
  }
}
