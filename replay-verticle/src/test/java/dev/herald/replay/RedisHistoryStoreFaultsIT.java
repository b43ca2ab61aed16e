package dev.herald.replay;

import static dev.herald.testkit.Futures.await;
import static dev.herald.testkit.Futures.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.replay.HistoryStore.Appended;
import dev.herald.replay.HistoryStore.Outcome;
import dev.herald.replay.api.GapReason;
import dev.herald.replay.api.HistoryOptions;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.StoredEvent;
import dev.herald.testkit.Futures;
import dev.herald.testkit.Poll;
import dev.herald.testkit.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redis trouble as an expected event: a redis-server killed and restarted empty, and one frozen with
 * SIGSTOP (the commands written meanwhile run when it wakes: the append refuses itself then). Each test has its own server, stopped (thawed first) even when the test fails.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisHistoryStoreFaultsIT {
  private static final HistoryOptions OPTIONS = new HistoryOptions(1000, Duration.ofHours(1), Duration.ofHours(24), 1000);
  private static final long TIMEOUT_MS = 1000;
  private RedisServer server;
  private Vertx vertx;
  private Redis client;
  private RedisHistoryStore store;

  @BeforeEach
  void start() throws Exception {
    server = RedisServer.start();
    vertx = Vertx.vertx();
    client = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.endpoint()));
    store = new RedisHistoryStore(vertx, client, Futures.unique("t"), OPTIONS, TIMEOUT_MS);
    // the first call also opens the connection, which may take longer than the short timeout on a cold JVM
    Poll.await("the store to reach Redis", Duration.ofSeconds(20), () -> {
      await(store.ping());
      return true;
    });
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (server.isPaused()) {
        server.resume();
      }
      await(store.close());
      await(client.close());
      await(vertx.close());
    } finally {
      server.close();
    }
  }

  private StoredEvent append(String channel, String data) throws Exception {
    Appended a = await(store.append(new PublishRequest(channel, "e", data, null)));
    assertEquals(Outcome.STORED, a.outcome());
    return a.event();
  }

  @Test
  void redisKilledAndRestartedEmptyGivesResetThenANewEpoch() throws Exception {
    String ch = "killed";
    append(ch, "1");
    StoredEvent last = append(ch, "2");

    server.kill();
    Throwable down = failure(store.append(new PublishRequest(ch, "e", "lost", null)));
    assertNotNull(down.getMessage(), "a publish while Redis is down fails with a message");
    failure(store.ping());

    server.restart();
    AtomicReference<StoredEvent> fresh = new AtomicReference<>();
    Poll.await("a publish to succeed after the restart", Duration.ofSeconds(20), () -> {
      fresh.set(append(ch, "3"));
      return true;
    });
    assertEquals(1, fresh.get().seq(), "Redis lost the channel: the next publish is seq 1");
    assertNotEquals(last.epoch(), fresh.get().epoch(), "of a new epoch");

    HistoryPage p = await(store.read(ch, last.position(), 10));
    assertEquals(GapReason.RESET, p.gap(), "the old cursor is told reset, never skipped silently");
    assertEquals(List.of(fresh.get()), p.events());
    assertEquals(2, append(ch, "4").seq(), "and the restarted Redis runs the scripts (SCRIPT LOAD on reconnect)");
    await(store.ping());
  }

  @Test
  void aPausedRedisFailsCallsWithinTheTimeoutAndRecoversAfterResume() throws Exception {
    String ch = "paused";
    List<StoredEvent> acknowledged = new ArrayList<>();
    acknowledged.add(append(ch, "1"));
    acknowledged.add(append(ch, "2"));

    server.pause();
    long t0 = System.nanoTime();
    Throwable hung = failure(store.append(new PublishRequest(ch, "e", "during-pause", null)));
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertInstanceOf(TimeoutException.class, hung, "a hung Redis fails the call at the timeout: " + hung);
    assertTrue(hung.getMessage().contains(TIMEOUT_MS + " ms"), hung.getMessage());
    assertTrue(waitedMs < 10_000, "no hang past the bounded timeout (waited " + waitedMs + " ms)");
    assertInstanceOf(TimeoutException.class, failure(store.read(ch, null, 10)));
    assertInstanceOf(TimeoutException.class, failure(store.ping()));

    server.resume();
    AtomicReference<StoredEvent> after = new AtomicReference<>();
    Poll.await("a publish to succeed after the resume", Duration.ofSeconds(20), () -> {
      after.set(append(ch, "after"));
      return true;
    });
    acknowledged.add(after.get());
    assertEquals(acknowledged.get(0).epoch(), after.get().epoch(), "Redis kept the channel: same epoch");

    HistoryPage p = await(store.read(ch, null, 100));
    List<Long> seqs = p.events().stream().map(StoredEvent::seq).toList();
    for (int i = 0; i < seqs.size(); i++) {
      assertEquals(i + 1, seqs.get(i), "no hole in the sequence: " + seqs);
    }
    assertTrue(p.events().containsAll(acknowledged), "every acknowledged publish is stored");
    assertEquals(List.of(), p.events().stream().filter(e -> e.data().equals("during-pause")).toList(),
        "Redis ran the publish that timed out after its deadline, and stored nothing: a failed call is never "
            + "carried out afterwards");
    await(store.ping());
  }
}
