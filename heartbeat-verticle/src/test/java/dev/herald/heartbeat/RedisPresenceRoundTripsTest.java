package dev.herald.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.testkit.Futures;
import dev.herald.testkit.RedisTarget;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What each presence operation costs Redis on a standalone server: round trips (pipelines written) counted
 * by the store, and commands from {@code INFO commandstats} (commands run inside scripts included). Prints
 * the figures for docs/benchmarks.md and asserts the design's counts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisPresenceRoundTripsTest {
  private static final int N = 1000;
  private static RedisTarget redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisTarget.standalone();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    RedisTarget.close(redis);
  }

  private static RedisPresenceStore freshStore() {
    return RedisPresenceStoreContract.store(redis, Futures.unique("t"), 100_000, 5_000);
  }

  /** One measured operation: round trips and commands it cost. */
  private record Cost(long roundTrips, Map<String, Long> commands) {
    long of(String command) {
      return commands.getOrDefault(command, 0L);
    }
  }

  private static Cost measure(String what, RedisPresenceStore store, Callable<?> op) throws Exception {
    Map<String, Long> before = redis.commandStats();
    long trips = store.roundTrips();
    op.call();
    Cost cost = new Cost(store.roundTrips() - trips, RedisTarget.delta(before, redis.commandStats()));
    System.out.printf("%-40s round trips %d, EVALSHA %d, commands (inside scripts too) %s%n", what, cost.roundTrips,
        cost.of("evalsha"), cost.commands);
    return cost;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return Futures.await(f);
  }

  @Test
  void roundTripsPerOperation() throws Exception {
    RedisPresenceStore store = freshStore();
    await(store.loadScripts());
    long t0 = System.currentTimeMillis() - 60_000;

    Cost connect = measure("start (connect)", store, () -> await(store.start("rt-a", "u", new JsonObject(), t0)));
    assertEquals(1, connect.roundTrips);
    assertEquals(1, connect.of("evalsha"));
    Cost reconnect = measure("start (reconnect)", store, () -> await(store.start("rt-a", "u", null, t0 + 10)));
    assertEquals(1, reconnect.roundTrips);
    assertEquals(1, reconnect.of("evalsha"));

    List<String> ids = new ArrayList<>();
    Set<Integer> shards = new HashSet<>();
    List<Future<?>> starts = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      ids.add("rt-" + i);
      shards.add(RedisPresenceKeys.shard("rt-" + i));
      starts.add(store.start("rt-" + i, null, null, t0));
    }
    await(Future.all(starts));

    Cost beat = measure("beat (1 session)", store, () -> await(store.touch(List.of("rt-1"), t0 + 2)));
    assertEquals(1, beat.roundTrips);
    assertEquals(1, beat.of("evalsha"));
    Cost beats = measure("beat (batch of " + N + " sessions)", store, () -> {
      assertEquals(Set.of(), await(store.touch(ids, t0 + 3)));
      return null;
    });
    assertEquals(1, beats.roundTrips, "one pipeline");
    assertEquals(shards.size(), beats.of("evalsha"), "one script call per shard");
    assertTrue(beats.of("evalsha") <= RedisPresenceKeys.SHARDS);

    Cost get = measure("get", store, () -> await(store.get("rt-1")));
    assertEquals(1, get.roundTrips);
    assertEquals(1, get.of("evalsha"));
    Cost count = measure("count", store, () -> await(store.count()));
    assertEquals(1, count.roundTrips);
    assertEquals(RedisPresenceKeys.SHARDS, count.of("zcard"));
    Cost list = measure("list (page of 100)", store, () -> await(store.list(null, 100)));
    assertEquals(1, list.roundTrips);
    assertEquals(RedisPresenceKeys.SHARDS, list.of("evalsha"));

    Cost idle = measure("purge (nothing expired)", store, () -> await(store.claimExpired(t0, N)));
    assertEquals(1, idle.roundTrips, "the shards' counts only");
    assertEquals(RedisPresenceKeys.SHARDS, idle.of("zcount"));
    assertEquals(0, idle.of("evalsha"));
    Cost purge = measure("purge (" + N + " expired sessions)", store, () -> {
      assertEquals(N, await(store.claimExpired(t0 + 4, N)).size());
      return null;
    });
    assertEquals(2, purge.roundTrips, "counts, then the claims");
    assertEquals(RedisPresenceKeys.SHARDS, purge.of("zcount"));
    assertEquals(shards.size(), purge.of("evalsha"), "one claim per shard with expired sessions");

    Cost stop = measure("stop", store, () -> {
      assertNotNull(await(store.remove("rt-a")));
      return null;
    });
    assertEquals(1, stop.roundTrips);
    assertEquals(1, stop.of("evalsha"));
    assertEquals(0L, await(store.count()));
    await(store.close());
  }

  @Test
  void aHugeBeatBatchIsStillOnePipelineOfOneScriptPerShard() throws Exception {
    RedisPresenceStore store = freshStore();
    await(store.loadScripts());
    long t0 = System.currentTimeMillis() - 60_000;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      ids.add("huge-" + i);
    }
    List<String> connected = ids.subList(0, 500);
    List<Future<?>> starts = new ArrayList<>();
    connected.forEach(id -> starts.add(store.start(id, null, null, t0)));
    await(Future.all(starts));
    Cost beats = measure("beat (batch of 20000, 500 connected)", store, () -> {
      Set<String> missing = await(store.touch(ids, t0 + 10));
      assertEquals(new HashSet<>(ids.subList(500, ids.size())), missing);
      return null;
    });
    assertEquals(1, beats.roundTrips);
    assertEquals(RedisPresenceKeys.SHARDS, beats.of("evalsha"));
    assertEquals(t0 + 10, await(store.get("huge-7")).lastSeenAt());
    await(store.close());
  }
}
