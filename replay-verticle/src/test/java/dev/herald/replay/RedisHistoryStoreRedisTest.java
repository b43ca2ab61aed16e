package dev.herald.replay;

import static dev.herald.replay.RedisTests.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.replay.HistoryStore.Appended;
import dev.herald.replay.HistoryStore.Outcome;
import dev.herald.replay.api.GapReason;
import dev.herald.replay.api.HistoryOptions;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.StoredEvent;
import dev.herald.testkit.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What only the Redis store has: its round trips (from {@code INFO commandstats}, printed), its key
 * layout, two nodes sharing one channel, a {@code FLUSHALL} mid-run and a lost script cache. One
 * redis-server for the class; each store has its own key prefix.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisHistoryStoreRedisTest {
  private static final HistoryOptions OPTIONS = new HistoryOptions(1000, Duration.ofHours(1), Duration.ofHours(24), 1000);
  private static RedisFixture redis;
  private static RedisServer server;
  private static Vertx vertx;
  private static Redis client;
  private final List<HistoryStore> stores = new ArrayList<>();

  @BeforeAll
  static void startRedis() throws IOException {
    redis = RedisFixture.standalone();
    server = redis.server();
    vertx = redis.vertx;
    client = redis.client;
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void closeStores() throws Exception {
    for (HistoryStore s : stores) {
      await(s.close());
    }
  }

  private RedisHistoryStore store(Vertx v, Redis r, String prefix) {
    RedisHistoryStore s = new RedisHistoryStore(v, r, prefix, OPTIONS, 10_000);
    stores.add(s);
    return s;
  }

  private static StoredEvent append(HistoryStore s, String channel, String data) throws Exception {
    Appended a = await(s.append(new PublishRequest(channel, "e", data, null)));
    assertEquals(Outcome.STORED, a.outcome());
    return a.event();
  }

  private static long stat(Map<String, Long> stats, String command) {
    return stats.getOrDefault(command, 0L);
  }

  private static long readsProcessed() throws IOException {
    String info = (String) server.call("INFO", "stats");
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("total_reads_processed:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return -1;
  }

  @Test
  void aPublishIsOneEvalshaAndABatchIsOnePipeline() throws Exception {
    RedisHistoryStore s = store(vertx, client, RedisTests.prefix());
    String ch = "rt-single";
    append(s, ch, "0"); // connects, loads the scripts, warms the channel's lane

    int n = 50;
    server.resetStats();
    long reads0 = readsProcessed();
    for (int i = 1; i <= n; i++) {
      append(s, ch, String.valueOf(i));
    }
    long reads = readsProcessed() - reads0 - 1;
    Map<String, Long> single = server.commandStats();
    assertEquals(n, stat(single, "evalsha"), "one EVALSHA per publish");
    assertEquals(n, stat(single, "zadd"), "the channel index refreshed in the same pipeline");
    assertEquals(n, stat(single, "zcount"), "the channel count read in the same pipeline");
    assertEquals(0, stat(single, "eval"), "no script sent as source");
    assertEquals(0, stat(single, "script|load"), "no SCRIPT LOAD on a warm connection");
    System.out.printf("Redis per publish (%d sequential publishes): 1 round trip = EVALSHA %.1f + ZADD %.1f + ZCOUNT %.1f;"
            + " inside the script: TIME %.1f, HMGET %.1f, EXISTS %.1f, XRANGE %.1f, XADD %.1f, HSET %.1f, XLEN %.1f,"
            + " PEXPIRE %.1f; Redis socket reads %.2f%n",
        n, stat(single, "evalsha") / (double) n, stat(single, "zadd") / (double) n, stat(single, "zcount") / (double) n,
        stat(single, "time") / (double) n, stat(single, "hmget") / (double) n, stat(single, "exists") / (double) n,
        stat(single, "xrange") / (double) n, stat(single, "xadd") / (double) n, stat(single, "hset") / (double) n,
        stat(single, "xlen") / (double) n, stat(single, "pexpire") / (double) n, reads / (double) n);

    int batchSize = 100;
    List<PublishRequest> batch = new ArrayList<>();
    for (int i = 0; i < batchSize; i++) {
      batch.add(new PublishRequest("rt-batch-" + (i % 4), "e", String.valueOf(i), null));
    }
    await(s.appendAll(batch.subList(0, 4))); // warm the four lanes
    server.resetStats();
    reads0 = readsProcessed();
    List<Appended> out = await(s.appendAll(batch));
    reads = readsProcessed() - reads0 - 1;
    Map<String, Long> many = server.commandStats();
    assertTrue(out.stream().allMatch(a -> a.outcome() == Outcome.STORED));
    assertEquals(batchSize, stat(many, "evalsha"), "one EVALSHA per event, all in one pipeline");
    assertEquals(4, stat(many, "zadd"), "one index refresh per channel of the batch");
    assertEquals(1, stat(many, "zcount"));
    System.out.printf("Redis per batch of %d events on 4 channels: 1 round trip = EVALSHA %d + ZADD %d + ZCOUNT %d;"
        + " Redis socket reads %d%n", batchSize, stat(many, "evalsha"), stat(many, "zadd"), stat(many, "zcount"), reads);

    List<PublishRequest> keyed = new ArrayList<>();
    for (int i = 0; i < batchSize; i++) {
      keyed.add(new PublishRequest("rt-batch-" + (i % 4), "e", String.valueOf(i), "key-" + i));
    }
    server.resetStats();
    await(s.appendAll(keyed));
    Map<String, Long> checked = server.commandStats();
    assertEquals(2L * batchSize, stat(checked, "evalsha"), "a read-only check per key, then the appends");
    assertEquals(2, stat(checked, "zcount"));
    System.out.printf("Redis per batch of %d events with idempotency keys: 2 round trips = check EVALSHA %d + ZCOUNT 1,"
        + " then append EVALSHA %d + ZADD %d + ZCOUNT 1%n", batchSize, batchSize, batchSize, stat(checked, "zadd"));

    server.resetStats();
    await(s.read(ch, null, 100));
    Map<String, Long> read = server.commandStats();
    assertEquals(1, stat(read, "evalsha"), "a read is one script");
    System.out.printf("Redis per history read: 1 round trip = EVALSHA %d%n", stat(read, "evalsha"));
  }

  @Test
  void keysAreHashTaggedWithTheChannelAndExpireWhenIdle() throws Exception {
    String prefix = RedisTests.prefix();
    RedisHistoryStore s = store(vertx, client, prefix);
    String ch = "layout:a.b@c";
    await(s.append(new PublishRequest(ch, "e", "1", "k")));
    @SuppressWarnings("unchecked")
    List<Object> keys = (List<Object>) server.call("KEYS", prefix + ":*");
    assertEquals(new TreeSet<>(List.of(prefix + ":ch:{" + ch + "}:meta", prefix + ":ch:{" + ch + "}:events",
        prefix + ":ch:{" + ch + "}:keys", prefix + ":channels")), new TreeSet<>(keys));
    for (String k : List.of("meta", "events", "keys")) {
      long ttl = (Long) server.call("PTTL", prefix + ":ch:{" + ch + "}:" + k);
      assertTrue(ttl > 0 && ttl <= OPTIONS.idleChannelTtl().toMillis(), k + " expires after idleChannelTtl: " + ttl);
    }
    assertEquals(-1L, server.call("PTTL", prefix + ":channels"), "the index is trimmed by expire(), not by a TTL");
  }

  @Test
  void twoNodesAppendingToOneChannelGetEverySequenceNumberOnce() throws Exception {
    Vertx other = Vertx.vertx();
    try {
      Redis otherClient = RedisFixture.client(other, server);
      String prefix = RedisTests.prefix();
      RedisHistoryStore a = store(vertx, client, prefix);
      RedisHistoryStore b = store(other, otherClient, prefix);
      String ch = "two-nodes";
      int each = 200;
      List<Future<Appended>> pending = new ArrayList<>();
      for (int i = 0; i < each; i++) {
        pending.add(a.append(new PublishRequest(ch, "a", String.valueOf(i), null)));
        pending.add(b.append(new PublishRequest(ch, "b", String.valueOf(i), null)));
      }
      List<Long> seqs = new ArrayList<>();
      for (Future<Appended> f : pending) {
        seqs.add(await(f).event().seq());
      }
      Collections.sort(seqs);
      List<Long> expected = new ArrayList<>();
      for (long i = 1; i <= 2L * each; i++) {
        expected.add(i);
      }
      assertEquals(expected, seqs, "sequence numbers 1..N, each exactly once, across both nodes");

      HistoryPage fromA = await(a.read(ch, null, 1000));
      HistoryPage fromB = await(b.read(ch, null, 1000));
      assertEquals(fromA, fromB, "both nodes read the same history");
      assertEquals(expected, fromA.events().stream().map(StoredEvent::seq).toList());
      for (String node : List.of("a", "b")) {
        List<String> mine = fromA.events().stream().filter(e -> node.equals(e.event())).map(StoredEvent::data).toList();
        assertEquals(expected.subList(0, each).stream().map(x -> String.valueOf(x - 1)).toList(), mine,
            "node " + node + "'s events in the order it issued them");
      }

      List<Future<Appended>> same = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        same.add((i % 2 == 0 ? a : b).append(new PublishRequest(ch, "pay", "{\"n\":1}", "once")));
      }
      long stored = 0;
      StoredEvent first = null;
      for (Future<Appended> f : same) {
        Appended x = await(f);
        assertNotEquals(Outcome.CONFLICT, x.outcome());
        stored += x.outcome() == Outcome.STORED ? 1 : 0;
        first = first == null ? x.event() : first;
        assertEquals(first, x.event(), "every answer names the one stored event");
      }
      assertEquals(1, stored, "one idempotency key raced from two nodes is stored once");
      assertEquals(1L, await(b.channelCount()));
    } finally {
      for (HistoryStore s : List.copyOf(stores)) {
        await(s.close());
      }
      stores.clear();
      await(other.close());
    }
  }

  @Test
  void flushAllMidRunGivesResetAndANewEpochFromOne() throws Exception {
    RedisHistoryStore s = store(vertx, client, RedisTests.prefix());
    String ch = "flushed";
    append(s, ch, "1");
    StoredEvent last = append(s, ch, "2");
    server.flushAll();

    HistoryPage lost = await(s.read(ch, last.position(), 10));
    assertEquals(0, lost.epoch(), "the channel is gone");
    assertEquals(GapReason.RESET, lost.gap(), "a recent cursor of a lost channel: reset");

    StoredEvent fresh = append(s, ch, "3");
    assertEquals(1, fresh.seq(), "the next publish starts at 1");
    assertNotEquals(last.epoch(), fresh.epoch(), "in a new epoch");
    assertTrue(fresh.epoch() > last.epoch(), "epochs come from Redis time");
    HistoryPage after = await(s.read(ch, last.position(), 10));
    assertEquals(GapReason.RESET, after.gap());
    assertEquals(List.of(fresh), after.events(), "then the new epoch's events from the oldest");
    assertNull(await(s.read(ch, fresh.position(), 10)).gap());
    assertEquals(1L, await(s.channelCount()));
  }

  @Test
  void aLostScriptCacheIsReloadedTransparently() throws Exception {
    RedisHistoryStore s = store(vertx, client, RedisTests.prefix());
    String ch = "noscript";
    append(s, ch, "1");
    server.call("SCRIPT", "FLUSH");
    server.resetStats();
    assertEquals(2, append(s, ch, "2").seq(), "NOSCRIPT is answered by EVAL, once");
    Map<String, Long> stats = server.commandStats();
    assertEquals(1, stat(stats, "eval"));
    assertEquals(4, stat(stats, "script|load"), "the four scripts are loaded again");

    server.call("SCRIPT", "FLUSH");
    List<PublishRequest> batch = new ArrayList<>();
    for (int i = 3; i <= 7; i++) {
      batch.add(new PublishRequest(ch, "e", String.valueOf(i), null));
    }
    List<Appended> out = await(s.appendAll(batch));
    assertEquals(List.of(3L, 4L, 5L, 6L, 7L), out.stream().map(x -> x.event().seq()).toList(),
        "a batch that met NOSCRIPT runs once, in order");

    server.call("SCRIPT", "FLUSH");
    HistoryPage p = await(s.read(ch, null, 100));
    assertEquals(List.of("1", "2", "3", "4", "5", "6", "7"), p.events().stream().map(StoredEvent::data).toList());
    assertFalse(p.more());

    server.resetStats();
    append(s, ch, "8");
    assertEquals(0, stat(server.commandStats(), "eval"), "the reloaded scripts run by EVALSHA again");
  }
}
