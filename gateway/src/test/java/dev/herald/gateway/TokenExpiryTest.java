package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.sse.api.SseAddresses;
import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stream ends when its token expires (docs/http-api.md#streams): a last event {@code herald.expired}
 * without an id, then the end of the response; the client resumes with a fresh token and its last id and
 * misses nothing (G1) — checked against the channel's history while events are published throughout.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TokenExpiryTest {
  private static final String SECRET = "expiry-secret-0123456789-abcdefghijklmnop";

  @Test
  void aStreamCutAtExpResumesWithAFreshTokenGapFree(Vertx vertx) {
    TestNode.Running it = TestNode.run(vertx, Map.of("auth.mode", "jwt", "auth.jwt.secret", SECRET,
        "auth.jwt.leeway", "0s", "history.maxEvents", 5000));
    Tokens tokens = Tokens.hs256(vertx, SECRET);
    String ch = "exp-1";
    String writer = tokens.sign(Tokens.claims("writer", 600, List.of("*"), List.of("*"), false));
    WebClient web = WebClient.create(vertx);
    long[] timer = {-1};
    LogTap log = LogTap.install();
    List<String> secrets = new ArrayList<>(List.of(writer));
    try {
      List<JsonObject> closes = new CopyOnWriteArrayList<>();
      TestNode.await(vertx.eventBus().<JsonObject>consumer(new SseAddresses("herald").disconnect(),
          m -> closes.add(m.body())).completion());
      String first = it.api().send(io.vertx.core.http.HttpMethod.POST, "/v1/channels/" + ch + "/events",
          io.vertx.core.buffer.Buffer.buffer("{\"data\":0}"), "Content-Type", "application/json",
          "Authorization", "Bearer " + writer).bodyAsJsonObject().getString("id");

      // a token that expires in about 2 s, while events keep coming every 20 ms
      long exp = System.currentTimeMillis() / 1000 + 3;
      String shortLived = tokens.sign(Tokens.claims("reader", 0, List.of(ch), List.of(), false).put("exp", exp));
      secrets.add(shortLived);
      AtomicInteger published = new AtomicInteger(1);
      timer[0] = vertx.setPeriodic(20, t -> web.post(it.port(), "127.0.0.1", "/v1/channels/" + ch + "/events")
          .putHeader("Authorization", "Bearer " + writer).putHeader("Content-Type", "application/json")
          .sendBuffer(io.vertx.core.buffer.Buffer.buffer("{\"data\":" + published.getAndIncrement() + "}")));
      SseTestClient before = Streams.live(vertx, it.port(), "/v1/stream?channel=" + ch + "&access_token=" + shortLived,
          Map.of("Last-Event-ID", first));
      TestNode.await(before.awaitEnd(java.time.Duration.ofSeconds(10)));
      assertTrue(System.currentTimeMillis() >= exp * 1000, "ended at exp, not before");
      List<SseEvent> got = before.events();
      SseEvent last = got.get(got.size() - 1);
      assertEquals("herald.expired", last.type(), got.toString());
      assertFalse(last.hasId(), "the expiry notice carries no id: the last id stays the last event's");
      assertEquals("token-expired", new JsonObject(last.data()).getString("reason"));
      assertTrue(got.size() > 10, "events kept coming until the end: " + got.size());
      GapTest.waitUntil(vertx, () -> closes.stream().anyMatch(c -> "expired".equals(c.getString("reason"))));

      // what an EventSource would do by itself: reconnect with the same URL — refused, the token is stale
      SseTestClient stale = Streams.open(vertx, it.port(), "/v1/stream?channel=" + ch + "&access_token=" + shortLived,
          Map.of("Last-Event-ID", before.lastEventId()));
      assertEquals(401, stale.status());
      Streams.close(stale);

      // the client takes a fresh token and resumes from its last id
      String fresh = tokens.sign(Tokens.claims("reader", 600, List.of(ch), List.of(), false));
      secrets.add(fresh);
      SseTestClient after = Streams.live(vertx, it.port(), "/v1/stream?channel=" + ch + "&access_token=" + fresh,
          Map.of("Last-Event-ID", before.lastEventId()));
      GapTest.waitUntil(vertx, () -> after.events().size() > 20);
      vertx.cancelTimer(timer[0]);
      String marker = it.api().send(io.vertx.core.http.HttpMethod.POST, "/v1/channels/" + ch + "/events",
          io.vertx.core.buffer.Buffer.buffer("{\"data\":\"end\"}"), "Content-Type", "application/json",
          "Authorization", "Bearer " + writer).bodyAsJsonObject().getString("id");
      TestNode.await(after.awaitEvent(e -> marker.equals(e.id()), Streams.WAIT));

      List<String> seen = new ArrayList<>();
      got.stream().filter(SseEvent::hasId).forEach(e -> seen.add(e.id()));
      after.events().stream().filter(SseEvent::hasId).forEach(e -> seen.add(e.id()));
      Reply history = it.api().get("/v1/channels/" + ch + "/events?limit=1000&after=" + first,
          "Authorization", "Bearer " + writer);
      List<String> stored = history.bodyAsJsonObject().getJsonArray("events").stream()
          .map(o -> ((JsonObject) o).getString("id")).toList();
      int upTo = stored.indexOf(marker) + 1;
      int seenUpTo = seen.indexOf(marker) + 1;
      assertEquals(stored.subList(0, upTo), seen.subList(0, seenUpTo), "gap-free and once each, across the cut");
      Streams.close(after);
      for (String secret : secrets) {
        // query strings and tokens never reach a log line (a token's signature is its secret part)
        String signature = secret.substring(secret.lastIndexOf('.') + 1);
        assertTrue(log.lines().stream().noneMatch(l -> l.contains(signature)), "a token was logged");
      }
      assertTrue(log.lines().stream().noneMatch(l -> l.contains("access_token")), String.join("\n", log.lines()));
    } finally {
      log.close();
      if (timer[0] >= 0) {
        vertx.cancelTimer(timer[0]);
      }
      web.close();
      it.stop();
    }
  }

  @Test
  void thePresenceStreamEndsWithItsTokenToo(Vertx vertx) {
    TestNode.Running it = TestNode.run(vertx, Map.of("auth.mode", "jwt", "auth.jwt.secret", SECRET,
        "auth.jwt.leeway", "0s"));
    try {
      Tokens tokens = Tokens.hs256(vertx, SECRET);
      long exp = System.currentTimeMillis() / 1000 + 2;
      String admin = tokens.sign(Tokens.claims("ops", 0, null, null, true).put("exp", exp));
      SseTestClient presence = Streams.live(vertx, it.port(), "/v1/presence/stream?access_token=" + admin);
      TestNode.await(presence.awaitEnd(java.time.Duration.ofSeconds(10)));
      assertTrue(System.currentTimeMillis() >= exp * 1000, "ended at exp, not before");
      List<SseEvent> got = presence.events();
      assertEquals("herald.expired", got.get(got.size() - 1).type(), got.toString());
    } finally {
      it.stop();
    }
  }
}
