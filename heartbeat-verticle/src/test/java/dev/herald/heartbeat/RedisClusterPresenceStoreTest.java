package dev.herald.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.testkit.Futures;
import dev.herald.testkit.RedisTarget;
import io.vertx.core.Future;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The store contract against {@link RedisPresenceStore} with a cluster-mode client on a local 3-master Redis
 * Cluster (started once for the class), plus proof that the shards really spread over the masters and what a
 * start costs there.
 */
class RedisClusterPresenceStoreTest extends RedisPresenceStoreContract {

  @Override
  protected RedisTarget startRedis() throws IOException {
    return RedisTarget.cluster();
  }

  @Test
  void shardsSpreadOverEveryMaster() throws Exception {
    String prefix = Futures.unique("t");
    RedisPresenceStore store = store(prefix, 1000, 5_000);
    List<Future<?>> starts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      starts.add(store.start("spread-" + i, null, null, t0));
    }
    await(Future.all(starts));
    Set<Integer> mastersWithKeys = new HashSet<>();
    for (int n = 0; n < redis.nodes().size(); n++) {
      List<?> keys = (List<?>) redis.nodes().get(n).call("KEYS", prefix + ":*");
      if (!keys.isEmpty()) {
        mastersWithKeys.add(n);
      }
    }
    assertEquals(3, mastersWithKeys.size(), "the 16 shards land on all 3 masters");
    assertEquals(200L, await(store.count()));
    await(store.close());
  }

  @Test
  void aStartCostsTwoRoundTripsOnACluster() throws Exception {
    RedisPresenceStore store = store(Futures.unique("t"), 1000, 5_000);
    Set<Integer> shards = new HashSet<>();
    for (int i = 0; shards.size() < RedisPresenceKeys.SHARDS; i++) {
      if (shards.add(RedisPresenceKeys.shard("warm-up-" + i))) {
        await(store.start("warm-up-" + i, null, null, t0)); // the master of every shard learns the start script
      }
    }
    redis.resetStats();
    long trips = store.roundTrips();
    await(store.start("rt-1", "u", null, t0));
    Map<String, Long> used = RedisTarget.delta(Map.of(), redis.commandStats());
    long evalsha = used.getOrDefault("evalsha", 0L) + used.getOrDefault("eval", 0L);
    System.out.printf("cluster start: %d round trips, commands %s%n", store.roundTrips() - trips, used);
    assertEquals(2, store.roundTrips() - trips, "shard sizes, then the start script");
    assertEquals(1, evalsha);
    assertEquals(RedisPresenceKeys.SHARDS, used.get("zcard") - 1, "16 ZCARD from the client, 1 inside the script");
    assertTrue(used.getOrDefault("config|resetstat", 0L) <= 3);
    await(store.close());
  }
}
