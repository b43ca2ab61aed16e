package dev.herald.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.heartbeat.api.PresenceEvent;
import dev.herald.heartbeat.api.PresenceOptions;
import dev.herald.testkit.Futures;
import dev.herald.testkit.Poll;
import dev.herald.testkit.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code stop?leaving=1} (a page going away) on the event bus: the disconnect waits
 * {@code heartbeat.leaveGrace} and comes then, once; a start or beat within the grace makes it a
 * {@code reconnect}. On two nodes sharing Redis (each its own event bus) the other node's beat cancels a
 * leave, and when the node that took the leave dies before its grace ends, the other's purge still ends
 * the session exactly once (G3).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LeaveTest {
  private static final Duration GRACE = Duration.ofMillis(800);
  /** Purge every 200 ms, expire after 2 s: a purge never ends a session within the grace. */
  private static final PresenceOptions OPTIONS = new PresenceOptions(Duration.ofMillis(200), Duration.ofMillis(1000),
      Duration.ofMillis(2000), 1000, 0, GRACE);
  private static RedisServer redis;
  private final List<Node> nodes = new ArrayList<>();

  enum Store { MEMORY, REDIS }

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void closeNodes() throws Exception {
    for (Node n : nodes) {
      n.close();
    }
  }

  /** One node: its own Vert.x (event bus) and heartbeat verticle, and every presence event it publishes. */
  private final class Node {
    final Vertx vertx = Vertx.vertx();
    final Redis client;
    final PresenceClient presence;
    final List<PresenceEvent> events = new CopyOnWriteArrayList<>();
    private boolean closed;

    Node(Store kind, String prefix) throws Exception {
      PresenceAddresses addresses = new PresenceAddresses(prefix);
      client = kind == Store.REDIS ? Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.endpoint()))
          : null;
      PresenceStore store = kind == Store.REDIS ? new RedisPresenceStore(vertx, client, false, prefix, 1000, 5_000)
          : new MemoryPresenceStore(1000);
      presence = new PresenceClient(vertx.eventBus(), addresses, 10_000);
      for (PresenceEvent.Type type : PresenceEvent.Type.values()) {
        Futures.await(presence.on(type, events::add).completion());
      }
      Futures.await(vertx.deployVerticle(new HeartbeatVerticle(store, OPTIONS, addresses,
          new SimpleMeterRegistry())));
      nodes.add(this);
    }

    long count(String sessionId, PresenceEvent.Type type) {
      return events.stream().filter(e -> e.type() == type && e.session().sessionId().equals(sessionId)).count();
    }

    void close() throws Exception {
      if (!closed) {
        closed = true;
        if (client != null) {
          client.close();
        }
        Futures.await(vertx.close());
      }
    }
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return Futures.await(f);
  }

  /** Polls {@code condition} for up to {@code max}; answers whether it came true. */
  private static boolean within(Duration max, Poll.Check condition) {
    return Poll.until(max, condition);
  }

  @ParameterizedTest
  @EnumSource(Store.class)
  void aLeaveWithNothingAfterItDisconnectsOnceWhenTheGraceEnds(Store kind) throws Exception {
    Node node = new Node(kind, Futures.unique("leave"));
    String id = await(node.presence.start(null, null, null)).session().sessionId();
    long left = System.nanoTime();
    assertTrue(await(node.presence.leave(id)));
    assertTrue(within(Duration.ofSeconds(10), () -> node.count(id, PresenceEvent.Type.DISCONNECT) == 1));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - left);
    assertTrue(tookMs >= GRACE.toMillis() - 50, "not before the grace: " + tookMs + " ms");
    assertTrue(tookMs < OPTIONS.expireDelay().toMillis(), "at the grace, not at a purge: " + tookMs + " ms");
    PresenceEvent disconnect = node.events.stream().filter(e -> e.type() == PresenceEvent.Type.DISCONNECT)
        .findFirst().orElseThrow();
    assertEquals(PresenceEvent.REASON_STOP, disconnect.reason());
    assertFalse(within(Duration.ofMillis(2500), () -> node.count(id, PresenceEvent.Type.DISCONNECT) > 1),
        "one disconnect, also once the purge ran");
    assertEquals(null, await(node.presence.get(id)));
    assertFalse(await(node.presence.leave(id)), "a session that is not connected is not leaving");
  }

  @ParameterizedTest
  @EnumSource(Store.class)
  void aBeatOrAStartWithinTheGraceMakesItAReconnect(Store kind) throws Exception {
    Node node = new Node(kind, Futures.unique("leave"));
    String beaten = await(node.presence.start(null, null, null)).session().sessionId();
    String restarted = await(node.presence.start(null, null, null)).session().sessionId();
    assertTrue(await(node.presence.leave(beaten)));
    assertTrue(await(node.presence.leave(restarted)));
    await(node.presence.beat(beaten));
    assertTrue(await(node.presence.start(restarted, null, null)).reconnect());
    for (String id : List.of(beaten, restarted)) {
      assertTrue(within(Duration.ofSeconds(5), () -> node.count(id, PresenceEvent.Type.RECONNECT) == 1), id);
    }
    // past the grace, and beats keep both alive past the expiry: no disconnect came
    long until = System.nanoTime() + GRACE.toNanos() + TimeUnit.MILLISECONDS.toNanos(1500);
    while (System.nanoTime() < until) {
      assertEquals(java.util.Set.of(), await(node.presence.beatAll(List.of(beaten, restarted))));
      assertFalse(within(Duration.ofMillis(300), () -> node.events.stream()
          .anyMatch(e -> e.type() == PresenceEvent.Type.DISCONNECT)), node.events::toString);
    }
    assertEquals(1, node.count(beaten, PresenceEvent.Type.RECONNECT), "the beat of a session not leaving is no event");
    assertNotNull(await(node.presence.get(beaten)));
    assertNotNull(await(node.presence.get(restarted)));
  }

  @Test
  void onTwoNodesTheOtherNodesBeatCancelsALeaveAndItsPurgeEndsOneWhoseNodeDied() throws Exception {
    String prefix = Futures.unique("leave");
    Node a = new Node(Store.REDIS, prefix);
    Node b = new Node(Store.REDIS, prefix);
    String kept = await(a.presence.start(null, null, null)).session().sessionId();
    String orphan = await(a.presence.start(null, null, null)).session().sessionId();
    long left = System.nanoTime();
    assertTrue(await(a.presence.leave(kept)));
    await(b.presence.beat(kept)); // the page's other tab beats through the other node
    assertTrue(within(Duration.ofSeconds(5), () -> b.count(kept, PresenceEvent.Type.RECONNECT) == 1));
    Duration pastGrace = GRACE.plusMillis(300).minusNanos(System.nanoTime() - left);
    assertFalse(within(pastGrace, () -> a.count(kept, PresenceEvent.Type.DISCONNECT)
        + b.count(kept, PresenceEvent.Type.DISCONNECT) > 0), "the beat cancelled the leave");
    assertTrue(await(a.presence.leave(orphan)));
    a.close(); // the node that took the leave dies before its grace ends
    assertTrue(within(Duration.ofSeconds(10), () -> b.count(orphan, PresenceEvent.Type.DISCONNECT) == 1),
        "the other node's purge ends it");
    assertEquals(PresenceEvent.REASON_TIMEOUT, b.events.stream().filter(e -> e.type() == PresenceEvent.Type.DISCONNECT
        && e.session().sessionId().equals(orphan)).findFirst().orElseThrow().reason());
    assertFalse(within(Duration.ofMillis(1500), () -> b.count(orphan, PresenceEvent.Type.DISCONNECT) > 1));
  }
}
