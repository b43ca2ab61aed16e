package dev.herald.heartbeat;

import static dev.herald.testkit.Futures.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.heartbeat.api.PresenceFailure;
import dev.herald.heartbeat.api.PresenceOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link ClientLedger} contract (sessions per client), for each implementation, and the heartbeat
 * verticle's use of it over the bus: starts past a client's bound fail with 429, ended sessions free their
 * slot (at once after a stop naming the client, after a check of the session otherwise).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class ClientLedgerContract {
  /** A new, empty ledger. */
  abstract ClientLedger ledger();

  /** A new, empty presence store of the same kind. */
  abstract PresenceStore store();

  abstract Vertx vertx();

  private static String client() {
    return "user:" + UUID.randomUUID();
  }

  @Test
  void admitsUpToTheBoundAndItsOwnSessionsAlways() throws Exception {
    ClientLedger ledger = ledger();
    String c = client();
    for (int i = 0; i < 3; i++) {
      assertNull(await(ledger.admit(c, "s" + i, 3, 1_000, 0)));
    }
    assertEquals(List.of(), await(ledger.admit(c, "s3", 3, 1_000, 0)), "full of live sessions");
    assertNull(await(ledger.admit(c, "s1", 3, 2_000, 0)), "a reconnect of one of its sessions");
    assertNull(await(ledger.admit(client(), "s3", 3, 1_000, 0)), "another client is not counted with it");
    List<String> stale = await(ledger.admit(c, "s3", 3, 3_000, 1_500));
    assertEquals(List.of("s0", "s2"), stale.stream().sorted().toList(), "known connected before 1500: s0 and s2");
    await(ledger.settle(c, List.of("s0"), List.of("s2"), 3_000));
    assertNull(await(ledger.admit(c, "s3", 3, 3_000, 1_500)));
    assertEquals(List.of(), await(ledger.admit(c, "s4", 3, 3_000, 1_500)));
  }

  @Test
  void concurrentStartsNeverPassTheBound() throws Exception {
    ClientLedger ledger = ledger();
    String c = client();
    List<Future<List<String>>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      all.add(ledger.admit(c, "c" + i, 7, 1_000, 0));
    }
    await(Future.join(all));
    assertEquals(7, all.stream().filter(f -> f.result() == null).count());
  }

  @Test
  void theVerticleRefusesPastTheBoundAndFreesEndedSessions() throws Exception {
    PresenceAddresses addresses = new PresenceAddresses("ledger" + UUID.randomUUID().toString().substring(0, 6));
    PresenceOptions options = new PresenceOptions(Duration.ofSeconds(30), Duration.ofMillis(200),
        Duration.ofMillis(400), 1000, 0);
    PresenceStore store = store();
    String id = await(vertx().deployVerticle(new HeartbeatVerticle(store, ledger(), options, addresses,
        new SimpleMeterRegistry())));
    try {
      PresenceClient presence = new PresenceClient(vertx().eventBus(), addresses, 10_000);
      String c = client();
      for (int i = 0; i < 2; i++) {
        await(presence.start("v" + i + c.hashCode(), null, null, c, 2));
      }
      assertEquals(PresenceFailure.TOO_MANY, failureCode(presence.start("v2" + c.hashCode(), null, null, c, 2)));
      assertEquals("reconnect", await(presence.start("v0" + c.hashCode(), null, null, c, 2)).state());
      await(presence.start("other" + c.hashCode(), null, null, client(), 2));
      await(presence.start("nobound" + c.hashCode(), null, null));

      // a stop naming the client frees its slot at once
      await(presence.stop("v0" + c.hashCode(), c));
      await(presence.start("v2" + c.hashCode(), null, null, c, 2));
      // a stop without the client (any bus caller): the slot is freed once the session is found gone
      await(presence.stop("v1" + c.hashCode()));
      long deadline = System.currentTimeMillis() + 10_000;
      while (failureCode(presence.start("v3" + c.hashCode(), null, null, c, 2)) == PresenceFailure.TOO_MANY) {
        assertTrue(System.currentTimeMillis() < deadline, "the stopped session's slot was never freed");
        await(vertx().timer(100));
      }
    } finally {
      await(vertx().undeploy(id));
    }
  }

  /** The failure code of a bus request that fails, or 0 when it succeeds. */
  private static int failureCode(Future<?> request) throws Exception {
    try {
      await(request);
      return 0;
    } catch (ReplyException e) {
      return e.failureCode();
    }
  }
}
