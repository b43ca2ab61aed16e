package dev.herald.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.heartbeat.api.PresenceEvent;
import dev.herald.heartbeat.api.PresenceOptions;
import dev.herald.heartbeat.api.Session;
import dev.herald.testkit.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.herald.testkit.Futures;
import dev.herald.testkit.Poll;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes on one Redis: two Vert.x instances (each its own event bus, not clustered), each with its own
 * Redis client and store under the same key prefix. Presence is shared, and purges racing on both nodes
 * end every session exactly once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisPresenceTwoNodesTest {
  private static final int SESSIONS = 3000;
  private RedisServer server;
  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<Redis> clients = new ArrayList<>();
  private String prefix;

  @BeforeEach
  void start() throws Exception {
    server = RedisServer.start();
    prefix = Futures.unique("t");
    for (int i = 0; i < 2; i++) {
      Vertx vertx = Vertx.vertx();
      vertxes.add(vertx);
      clients.add(Redis.createClient(vertx, new RedisOptions().setConnectionString(server.endpoint())));
    }
  }

  @AfterEach
  void stop() throws Exception {
    try {
      for (int i = 0; i < vertxes.size(); i++) {
        Futures.await(clients.get(i).close());
        Futures.await(vertxes.get(i).close());
      }
    } finally {
      server.close();
    }
  }

  private RedisPresenceStore node(int i) {
    return new RedisPresenceStore(vertxes.get(i), clients.get(i), false, prefix, 100_000, 5_000);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return Futures.await(f);
  }

  @Test
  void aSessionStartedOnOneNodeIsConnectedOnTheOther() throws Exception {
    RedisPresenceStore a = node(0);
    RedisPresenceStore b = node(1);
    long now = System.currentTimeMillis();
    assertFalse(await(a.start("shared-1", "ann", null, now)).reconnect());
    assertEquals("ann", await(b.get("shared-1")).userId());
    assertTrue(await(b.start("shared-1", "ann", null, now + 1)).reconnect(), "a start on the other node reconnects");
    assertEquals(Set.of(), await(b.touch(List.of("shared-1"), now + 2)));
    assertEquals(now + 2, await(a.get("shared-1")).lastSeenAt());
    assertEquals(1L, await(a.count()));
    assertNotNull(await(b.remove("shared-1")));
    assertNull(await(a.remove("shared-1")), "a stop on one node is seen by the other");
  }

  @Test
  void bothNodesPurgingTheSameExpiredSessionsClaimEachExactlyOnce() throws Exception {
    RedisPresenceStore a = node(0);
    RedisPresenceStore b = node(1);
    long t0 = System.currentTimeMillis() - 60_000;
    List<Future<?>> starts = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      starts.add((i % 2 == 0 ? a : b).start(String.format("two-%05d", i), "u", null, t0));
    }
    await(Future.all(starts));
    Map<String, Integer> claimed = new ConcurrentHashMap<>();
    AtomicInteger byA = new AtomicInteger();
    AtomicInteger byB = new AtomicInteger();
    // both purge loops run at once, each on its own Vert.x, until a claim comes back empty
    Future<Void> purgeA = purgeAll(vertxes.get(0), a, t0 + 1, claimed, byA);
    Future<Void> purgeB = purgeAll(vertxes.get(1), b, t0 + 1, claimed, byB);
    await(Future.all(purgeA, purgeB));
    System.out.printf("two nodes purged %d sessions: %d by one, %d by the other%n", SESSIONS, byA.get(), byB.get());
    assertEquals(SESSIONS, claimed.size(), "every session is claimed");
    claimed.forEach((id, n) -> assertEquals(1, n, id + " claimed " + n + " times"));
    assertEquals(0L, await(a.count()));
  }

  private static Future<Void> purgeAll(Vertx vertx, PresenceStore store, long seenBefore, Map<String, Integer> claimed,
                                       AtomicInteger mine) {
    Promise<Void> done = Promise.promise();
    vertx.runOnContext(v -> purgeLoop(store, seenBefore, claimed, mine, done));
    return done.future();
  }

  private static void purgeLoop(PresenceStore store, long seenBefore, Map<String, Integer> claimed, AtomicInteger mine,
                                Promise<Void> done) {
    store.claimExpired(seenBefore, 250).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      for (Session s : ar.result()) {
        claimed.merge(s.sessionId(), 1, Integer::sum);
      }
      mine.addAndGet(ar.result().size());
      if (ar.result().isEmpty()) {
        done.complete();
      } else {
        purgeLoop(store, seenBefore, claimed, mine, done);
      }
    });
  }

  @Test
  void heartbeatVerticlesOnTwoNodesPublishOneDisconnectPerSession() throws Exception {
    PresenceOptions fast = new PresenceOptions(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(300),
        100_000, 0);
    PresenceAddresses addresses = new PresenceAddresses(prefix);
    Map<String, Integer> disconnects = new ConcurrentHashMap<>();
    Map<Integer, AtomicInteger> perNode = new HashMap<>();
    List<RedisPresenceStore> stores = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Vertx vertx = vertxes.get(i);
      AtomicInteger count = new AtomicInteger();
      perNode.put(i, count);
      PresenceClient client = new PresenceClient(vertx.eventBus(), addresses, 10_000);
      await(client.on(PresenceEvent.Type.DISCONNECT, e -> {
        count.incrementAndGet();
        disconnects.merge(e.session().sessionId(), 1, Integer::sum);
      }).completion());
      RedisPresenceStore store = node(i);
      stores.add(store);
      await(vertx.deployVerticle(new HeartbeatVerticle(store, fast, addresses, new SimpleMeterRegistry())));
    }
    // sessions last seen a minute ago: the next purge of either node finds them expired
    long old = System.currentTimeMillis() - 60_000;
    Set<String> ids = new HashSet<>();
    List<Future<?>> starts = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      String id = "hb-" + i;
      ids.add(id);
      starts.add(stores.get(i % 2).start(id, null, null, old));
    }
    await(Future.all(starts));
    Poll.await("every session is disconnected", Duration.ofSeconds(60), () -> disconnects.size() == SESSIONS);
    // both nodes purge again, and each purge finds nothing to disconnect: no session gets a second disconnect
    for (int i = 0; i < 2; i++) {
      PresenceClient node = new PresenceClient(vertxes.get(i).eventBus(), addresses, 10_000);
      for (int n = 0; n < 3; n++) {
        assertEquals(0, await(node.purge()), "node " + i + " found a session to disconnect again");
      }
    }
    System.out.printf("two heartbeat nodes disconnected %d sessions: %d on one, %d on the other%n", SESSIONS,
        perNode.get(0).get(), perNode.get(1).get());
    assertEquals(ids, disconnects.keySet());
    disconnects.forEach((id, n) -> assertEquals(1, n, id + " got " + n + " disconnects"));
    assertEquals(SESSIONS, perNode.get(0).get() + perNode.get(1).get());
    assertEquals(0L, await(stores.get(0).count()));
  }
}
