package dev.herald.gateway;

import dev.herald.testkit.Ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.gateway.config.ConfigException;
import dev.herald.gateway.config.ConfigLoader;
import dev.herald.gateway.config.HeraldConfig;
import dev.herald.heartbeat.MemoryPresenceStore;
import dev.herald.heartbeat.RedisPresenceStore;
import dev.herald.replay.MemoryHistoryStore;
import dev.herald.replay.RedisHistoryStore;
import dev.herald.testkit.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link Stores}: which stores {@code store.*} gives, and the Redis client options it builds. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoresTest {

  private static HeraldConfig.Redis redis(Map<String, ?> values) {
    return ConfigLoader.fromMap(values).store().redis();
  }

  @Test
  void aStandaloneClientGetsTheEndpointDbPasswordAndHeraldsPool() {
    RedisOptions o = Stores.redisOptions(redis(Map.of("store.redis.host", "redis.local", "store.redis.port", 6380,
        "store.redis.db", 3, "store.redis.password", "s3cr:t@")));
    assertEquals(RedisClientType.STANDALONE, o.getType());
    assertEquals(List.of("redis://redis.local:6380/3"), o.getEndpoints());
    assertEquals("s3cr:t@", o.getPassword());
    assertEquals(Stores.POOL_SIZE + 1, o.getMaxPoolSize());
    assertEquals(Stores.POOL_WAITING, o.getMaxPoolWaiting());
    assertEquals(Stores.CONNECT_TIMEOUT_MS, o.getNetClientOptions().getConnectTimeout());
  }

  @Test
  void clusterModeSeedsTheClusterClientWithTheEndpointAndMoreSeedsFromOptions() {
    RedisOptions o = Stores.redisOptions(redis(Map.of("store.redis.mode", "cluster", "store.redis.port", 7000,
        "store.redis.options", "{\"endpoints\": [\"redis://10.0.0.2:7000\"]}")));
    assertEquals(RedisClientType.CLUSTER, o.getType());
    assertEquals(List.of("redis://127.0.0.1:7000", "redis://10.0.0.2:7000"), o.getEndpoints());
    assertNull(o.getPassword());
    ConfigException e = assertThrows(ConfigException.class,
        () -> Stores.redisOptions(redis(Map.of("store.redis.mode", "cluster", "store.redis.db", 2))));
    assertEquals("store.redis.db", e.key());
  }

  @Test
  void optionsAreMergedLastButNeverReplaceTheEndpoint() {
    RedisOptions o = Stores.redisOptions(redis(Map.of("store.redis.options",
        "{\"maxPoolSize\": 32, \"netClientOptions\": {\"connectTimeout\": 500}, \"endpoint\": \"redis://elsewhere:1\"}")));
    assertEquals(32, o.getMaxPoolSize());
    assertEquals(500, o.getNetClientOptions().getConnectTimeout());
    assertTrue(o.getNetClientOptions().isTcpNoDelay(), "nested defaults survive a nested option");
    assertEquals(Stores.POOL_WAITING, o.getMaxPoolWaiting());
    assertEquals(List.of("redis://127.0.0.1:6379/0"), o.getEndpoints());
    ConfigException e = assertThrows(ConfigException.class,
        () -> Stores.redisOptions(redis(Map.of("store.redis.options", "{\"endpoints\": \"redis://x:1\"}"))));
    assertEquals("store.redis.options", e.key());
  }

  @Test
  void memoryIsTheDefault(Vertx vertx) {
    Stores stores = Stores.create(vertx, ConfigLoader.fromMap(Map.of()), new SimpleMeterRegistry());
    assertTrue(stores.presence() instanceof MemoryPresenceStore);
    assertTrue(stores.history() instanceof MemoryHistoryStore);
    assertEquals("memory", stores.description());
    assertTrue(stores.reachable());
    TestNode.await(stores.awaitReachable(1));
    TestNode.await(stores.close());
  }

  @Test
  void redisStoresWorkWithAPasswordAndSayWhenRedisIsUp(Vertx vertx) throws IOException {
    try (RedisServer server = RedisServer.builder().password("pw with spaces").start()) {
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      Stores stores = Stores.create(vertx, ConfigLoader.fromMap(Map.of("store.type", "redis",
          "store.redis.port", server.port(), "store.redis.password", "pw with spaces", "store.redis.db", 2)), metrics);
      try {
        assertTrue(stores.presence() instanceof RedisPresenceStore);
        assertTrue(stores.history() instanceof RedisHistoryStore);
        TestNode.await(stores.awaitReachable(10_000));
        assertTrue(stores.reachable());
        assertEquals(1.0, metrics.get("herald.redis.up").gauge().value());
        TestNode.await(stores.presence().start("s-1", null, new JsonObject(), System.currentTimeMillis()));
        assertEquals(1L, (long) TestNode.await(stores.presence().count()));
        String keyspace = (String) server.call("INFO", "keyspace");
        assertTrue(keyspace.contains("db2:keys=") && !keyspace.contains("db0:"), keyspace);
      } finally {
        TestNode.await(stores.close());
      }
    }
  }

  @Test
  void anUnreachableRedisIsNamedWhenTheWaitRunsOut(Vertx vertx) throws IOException {
    int port = Ports.free();
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    Stores stores = Stores.create(vertx, ConfigLoader.fromMap(Map.of("store.type", "redis", "store.redis.port", port)),
        metrics);
    try {
      Throwable e = assertThrows(RuntimeException.class, () -> TestNode.await(stores.awaitReachable(1_500)));
      assertTrue(e.getMessage().contains("Redis at 127.0.0.1:" + port + " db 0 did not answer within 1.5 s"), e.getMessage());
      assertTrue(e.getMessage().contains("store.redis.host"), e.getMessage());
      assertFalse(stores.reachable());
      assertEquals(0.0, metrics.get("herald.redis.up").gauge().value());
    } finally {
      TestNode.await(stores.close());
    }
  }
}
