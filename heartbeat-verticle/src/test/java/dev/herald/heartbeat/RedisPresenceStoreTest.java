package dev.herald.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.testkit.Futures;
import dev.herald.testkit.RedisTarget;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store contract against {@link RedisPresenceStore} on a real standalone redis-server (one per class,
 * a fresh key prefix per store), plus what only the Redis store does.
 */
class RedisPresenceStoreTest extends RedisPresenceStoreContract {

  @Override
  protected RedisTarget startRedis() throws IOException {
    return RedisTarget.standalone();
  }

  @Test
  void keysAreHashTaggedPerShardAndRemovedWithTheSession() throws Exception {
    String prefix = Futures.unique("t");
    RedisPresenceStore store = store(prefix, 10, 5_000);
    try {
      await(store.start("k-1", "u", new JsonObject().put("a", 1), t0));
      int shard = RedisPresenceKeys.shard("k-1");
      String tag = prefix + ":presence:{" + prefix + ":p:" + shard + "}:";
      assertEquals(List.of(tag + "expiry", tag + "ids", tag + "s:k-1"),
          ((List<?>) redis.server().call("KEYS", prefix + ":*")).stream().map(String::valueOf).sorted().toList());
      assertEquals(String.valueOf(t0), redis.server().call("ZSCORE", tag + "expiry", "k-1"));
      assertEquals("{\"a\":1}", redis.server().call("HGET", tag + "s:k-1", "m"));
      await(store.remove("k-1"));
      assertEquals(List.of(), redis.server().call("KEYS", prefix + ":*"), "nothing is left behind");
    } finally {
      await(store.close());
    }
  }

  @Test
  void loadScriptsLoadsEveryScriptUnderItsSha() throws Exception {
    RedisPresenceStore store = store(Futures.unique("t"), 10, 5_000);
    redis.server().call("SCRIPT", "FLUSH");
    await(store.loadScripts());
    for (String name : List.of("start", "touch", "remove", "claim", "read", "list", "admit")) {
      Object exists = redis.server().call("SCRIPT", "EXISTS", RedisPresenceStore.script(name).sha());
      assertEquals(List.of(1L), exists, name);
    }
    await(store.close());
  }

  @Test
  void aClosedStoreFailsEveryCall() throws Exception {
    PresenceStore store = newStore(10);
    await(store.close());
    assertThrows(IllegalStateException.class, () -> await(store.ping()));
    assertThrows(IllegalStateException.class, () -> await(store.start("closed-1", "u", null, t0)));
    assertThrows(IllegalStateException.class, () -> await(store.claimExpired(t0, 10)));
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> store("a{b", 10, 100));
    assertThrows(IllegalArgumentException.class, () -> store("ok", 0, 100));
    assertThrows(IllegalArgumentException.class, () -> store("ok", 10, 0));
    assertTrue(RedisPresenceKeys.shard("any") >= 0 && RedisPresenceKeys.shard("any") < RedisPresenceKeys.SHARDS);
  }
}
