package dev.herald.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.testkit.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The credential format (G8) and the key nodes share through Redis. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionCredentialsTest {

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void aCredentialNamesOneSessionOfOneOwner() {
    SessionCredentials creds = new SessionCredentials(SessionKeys.local());
    SessionCredentials.Minted ada = creds.mint("ada");
    assertEquals(SessionCredentials.LENGTH, ada.credential().length());
    assertTrue(ada.sessionId().matches("[0-9a-f]{32}"), ada.sessionId());
    assertEquals(new SessionCredentials.Checked(SessionCredentials.Verdict.VALID, ada.sessionId()),
        creds.check(ada.credential(), "ada"));
    assertEquals(SessionCredentials.Verdict.OTHER_OWNER, creds.check(ada.credential(), "bob").verdict());
    assertNull(creds.check(ada.credential(), "bob").sessionId());
    // open mode's credentials belong to nobody: shown with a token they are nobody's there
    SessionCredentials.Minted open = creds.mint(null);
    assertEquals(SessionCredentials.Verdict.VALID, creds.check(open.credential(), null).verdict());
    assertEquals(SessionCredentials.Verdict.NOT_MINTED, creds.check(open.credential(), "ada").verdict());
    assertEquals(SessionCredentials.Verdict.NOT_MINTED, creds.check(ada.credential(), null).verdict(),
        "a user's credential in open mode (auth.mode changed) is no one's: a start makes a new one");
    for (String bad : new String[] {null, "", ada.sessionId(), ada.credential() + "A", ada.credential().substring(1),
        ada.credential().replace(ada.credential().charAt(10), ada.credential().charAt(10) == 'A' ? 'B' : 'A')}) {
      assertEquals(SessionCredentials.Verdict.NOT_MINTED, creds.check(bad, "ada").verdict(), bad);
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      assertTrue(ids.add(creds.mint("ada").sessionId()));
    }
  }

  @Test
  void onlyTheKeysMintingIsAccepted() {
    byte[] key = new byte[32];
    SessionCredentials mine = new SessionCredentials(SessionKeys.of(key));
    String credential = mine.mint(null).credential();
    assertEquals(mine.check(credential, null), new SessionCredentials(SessionKeys.of(key.clone())).check(credential, null));
    byte[] other = key.clone();
    other[31] = 1;
    assertEquals(SessionCredentials.Verdict.NOT_MINTED,
        new SessionCredentials(SessionKeys.of(other)).check(credential, null).verdict());
    byte[] raw = Base64.getUrlDecoder().decode(credential);
    raw[0] = 2; // a version this build does not know
    assertEquals(SessionCredentials.Verdict.NOT_MINTED,
        mine.check(Base64.getUrlEncoder().withoutPadding().encodeToString(raw), null).verdict());
  }

  /** Nodes starting together agree on one key; a Redis that lost it gets it back; a late node adopts it. */
  @Test
  void nodesShareOneKeyThroughRedis(Vertx vertx) throws Exception {
    try (RedisServer server = RedisServer.start()) {
      Redis redis = Redis.createClient(vertx, server.endpoint());
      List<Future<SessionKeys>> starting = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        starting.add(SessionKeys.shared(vertx, redis, "t", 5_000));
      }
      await(Future.all(starting));
      SessionKeys first = starting.get(0).result();
      String credential = new SessionCredentials(first).mint("ada").credential();
      for (Future<SessionKeys> k : starting) {
        assertTrue(new SessionCredentials(k.result()).check(credential, "ada").valid());
        if (k != starting.get(0)) {
          k.result().close();
        }
      }
      String stored = String.valueOf(server.call("GET", "t:session-key"));
      assertEquals(32, Base64.getDecoder().decode(stored).length);

      // Redis loses the key: a running node writes it back, and a node started later adopts it
      SessionKeys running = await(SessionKeys.shared(vertx, redis, "t", 5_000, 100));
      server.flushAll();
      long deadline = System.currentTimeMillis() + 10_000;
      while (!stored.equals(String.valueOf(server.call("GET", "t:session-key")))) {
        assertTrue(System.currentTimeMillis() < deadline, "the key was not written back");
        await(vertx.timer(50));
      }
      SessionKeys late = await(SessionKeys.shared(vertx, redis, "t", 5_000));
      assertTrue(new SessionCredentials(late).check(credential, "ada").valid());
      running.close();
      late.close();
      first.close();

      // a node that made its own key while Redis had none adopts Redis's, still accepting what it signed
      server.flushAll();
      SessionKeys alone = await(SessionKeys.shared(vertx, redis, "t", 5_000, 100));
      String own = new SessionCredentials(alone).mint(null).credential();
      server.call("SET", "t:session-key", stored);
      deadline = System.currentTimeMillis() + 10_000;
      while (!new SessionCredentials(alone).check(credential, "ada").valid()) {
        assertTrue(System.currentTimeMillis() < deadline, "the key in Redis was not adopted");
        await(vertx.timer(50));
      }
      assertTrue(new SessionCredentials(alone).check(own, null).valid(), "the replaced key still verifies");
      alone.close();
      await(redis.close());
    }
  }
}
