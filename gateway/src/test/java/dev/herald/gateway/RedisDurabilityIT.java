package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.heartbeat.api.SessionIds;
import dev.herald.replay.api.Cursor;
import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import dev.herald.testkit.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * G4 and G2 on Redis, over HTTP and real SSE streams: with append-only persistence no acknowledged publish
 * is lost when Redis is killed mid-run and restarted; when Redis loses a channel ({@code FLUSHALL}, or a
 * restart without persistence) readers of it are told {@code herald.gap} with reason {@code reset}, and the
 * channel goes on in a new epoch, never reusing an id.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisDurabilityIT {

  @Test
  void noAcknowledgedPublishIsLostWhenRedisIsKilledAndRestarted(Vertx vertx) throws IOException {
    RedisServer redis = OnRedis.startPersistent();
    TestNode.Running it = TestNode.run(vertx, OnRedis.settings(redis, Map.of("history.maxEvents", 1000)));
    try {
      String ch = "g4-kill";
      Publisher publisher = new Publisher(vertx, it.port(), ch);
      publisher.start();
      GapTest.waitUntil(vertx, () -> publisher.acked().size() >= 20);
      redis.kill();
      int ackedBefore = publisher.acked().size();
      GapTest.waitUntil(vertx, () -> publisher.refused() >= 3);
      redis.restart();
      GapTest.waitUntil(vertx, () -> publisher.acked().size() >= ackedBefore + 20);
      TestNode.await(publisher.stop());
      assertEquals(Set.of(503), publisher.refusals(), "a publish Redis could not store is refused with 503");

      List<String> acked = publisher.acked();
      List<JsonObject> stored = it.api().history(ch).getJsonArray("events").stream().map(o -> (JsonObject) o).toList();
      List<String> storedIds = stored.stream().map(o -> o.getString("id")).toList();
      assertEquals(storedIds.size(), new HashSet<>(storedIds).size(), "no id twice");
      int at = -1;
      for (String id : acked) {
        int i = storedIds.indexOf(id);
        assertTrue(i > at, "acknowledged " + id + " is stored, after the ones acknowledged before it");
        at = i;
      }
      Set<Long> epochs = new HashSet<>();
      acked.forEach(id -> epochs.add(Cursor.decode(id).positions().get(0).epoch()));
      assertEquals(1, epochs.size(), "Redis kept the channel: one epoch before and after the kill");

      // a reader from the start gets exactly the stored events, across the outage
      SseTestClient reader = Streams.live(vertx, it.port(), "/v1/stream?channel=" + ch + "&lastEventId=earliest");
      List<SseEvent> events = Streams.events(reader, storedIds.size());
      assertEquals(storedIds, events.stream().map(SseEvent::id).toList());
      Streams.close(reader);
    } finally {
      it.stop();
      redis.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"flushall", "restart-empty"})
  void readersOfAChannelRedisLostAreToldResetAndIdsAreNeverReused(String how, Vertx vertx) throws IOException {
    RedisServer redis = OnRedis.start();
    TestNode.Running it = TestNode.run(vertx, OnRedis.settings(redis, Map.of()));
    try {
      Api api = it.api();
      String ch = "g2-lost-" + how;
      SseTestClient live = Streams.live(vertx, it.port(), "/v1/stream?channel=" + ch);
      long openedAt = System.nanoTime();
      String cookie = PresenceApiTest.startNew(api, null);
      List<String> old = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        old.add(api.publish(ch, null, Integer.toString(i)));
      }
      Streams.events(live, 3);

      if (how.equals("flushall")) {
        OnRedis.flush(redis);
      } else {
        // an established stream (see RedisOutageIT.ESTABLISHED_MS) lives through the restart
        GapTest.waitUntil(vertx, () -> System.nanoTime() - openedAt
            > TimeUnit.MILLISECONDS.toNanos(RedisOutageIT.ESTABLISHED_MS));
        redis.restart();
      }
      awaitStoresAnswer(vertx, api);
      String fresh = api.publish(ch, null, "100");
      assertFalse(old.contains(fresh), "never an id it gave before");
      assertNotEquals(Cursor.decode(old.get(0)).positions().get(0).epoch(),
          Cursor.decode(fresh).positions().get(0).epoch(), "a new epoch");

      SseTestClient reader = Streams.live(vertx, it.port(), "/v1/stream?channel=" + ch, Map.of("Last-Event-ID", old.get(2)));
      List<SseEvent> resumed = Streams.events(reader, 2);
      assertEquals("herald.gap", resumed.get(0).type(), resumed::toString);
      assertEquals(new JsonObject().put("channel", ch).put("reason", "reset"), new JsonObject(resumed.get(0).data()));
      assertEquals(fresh, resumed.get(1).id());
      assertEquals("100", resumed.get(1).data());

      Reply page = api.get("/v1/channels/" + ch + "/events?after=" + old.get(2));
      assertEquals(200, page.statusCode(), page::bodyAsString);
      assertTrue(page.bodyAsJsonObject().getBoolean("gap"), page::bodyAsString);
      assertEquals(List.of(fresh), page.bodyAsJsonObject().getJsonArray("events").stream()
          .map(o -> ((JsonObject) o).getString("id")).toList());

      TestNode.await(live.awaitEvent(e -> fresh.equals(e.id()), Streams.WAIT));
      assertFalse(live.isEnded(), "a live stream goes on into the new epoch");
      assertEquals(404, api.post("/v1/heartbeat", null, "Cookie", cookie).statusCode(),
          "the lost session is not connected: the client starts again");
      Streams.close(reader);
      Streams.close(live);
    } finally {
      it.stop();
      redis.close();
    }
  }

  /** Polls until a history read and a session look-up are answered from Redis again. */
  static void awaitStoresAnswer(Vertx vertx, Api api) {
    GapTest.waitUntil(vertx, () -> api.get("/v1/channels/store-probe/events").statusCode() == 200
        && api.get("/v1/sessions/" + SessionIds.newId()).statusCode() == 404);
  }

  /** Publishes {@code 0, 1, 2, …} to one channel, one after another, until stopped; keeps what was acknowledged. */
  private static final class Publisher {
    private final Vertx vertx;
    private final WebClient web;
    private final String channel;
    private final List<String> acked = Collections.synchronizedList(new ArrayList<>());
    private final Set<Integer> refusals = Collections.synchronizedSet(new HashSet<>());
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Promise<Void> done = Promise.promise();
    private volatile int refused;
    private int next;

    Publisher(Vertx vertx, int port, String channel) {
      this.vertx = vertx;
      this.web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
      this.channel = channel;
    }

    void start() {
      vertx.runOnContext(v -> step());
    }

    private void step() {
      if (stopping.get()) {
        web.close();
        done.complete();
        return;
      }
      int i = next++;
      web.post("/v1/channels/" + channel + "/events").putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer("{\"data\":" + i + "}")).onComplete(ar -> {
            if (ar.succeeded() && ar.result().statusCode() == 201) {
              acked.add(ar.result().bodyAsJsonObject().getString("id"));
            } else {
              refusals.add(ar.succeeded() ? ar.result().statusCode() : -1);
              refused++;
            }
            vertx.setTimer(5, t -> step());
          });
    }

    List<String> acked() {
      synchronized (acked) {
        return List.copyOf(acked);
      }
    }

    int refused() {
      return refused;
    }

    Set<Integer> refusals() {
      synchronized (refusals) {
        return Set.copyOf(refusals);
      }
    }

    Future<Void> stop() {
      stopping.set(true);
      return done.future();
    }
  }
}
