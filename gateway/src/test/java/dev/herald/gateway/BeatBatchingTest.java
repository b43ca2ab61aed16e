package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTP beats are coalesced per event loop ({@link BeatBatcher}): many concurrent
 * {@code POST /v1/heartbeat} become far fewer batched beat messages, and each request still gets its
 * own answer — 204 for a connected session, 404 for a stopped one in the same batch, and the same 503
 * for every beat of a batch that failed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BeatBatchingTest {
  private static final int BEATS = 400;
  private static final int CONNECTIONS = 100;

  @Test
  void concurrentBeatsShareBatchedMessagesAndEachGetsItsOwnAnswer(Vertx vertx) {
    // one gateway loop: every beat meets the others in the same batcher
    TestNode.Running it = TestNode.run(vertx, Map.of("http.instances", 1));
    List<String> cookies = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      cookies.add(PresenceApiTest.startNew(it.api(), null));
    }
    Set<String> stopped = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      String cookie = cookies.get(i * 7);
      assertEquals(204, it.api().post("/v1/heartbeat/stop", null, "Cookie", cookie).statusCode());
      stopped.add(PresenceApiTest.idOf(cookie));
    }
    PresenceAddresses addresses = new PresenceAddresses("herald");
    List<JsonObject> beatMessages = new CopyOnWriteArrayList<>();
    vertx.eventBus().addOutboundInterceptor(dc -> {
      if (dc.message().address().equals(addresses.beat()) && dc.message().body() instanceof JsonObject o) {
        beatMessages.add(o.copy());
      }
      dc.next();
    });

    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(it.port()), new PoolOptions().setHttp1MaxSize(CONNECTIONS));
    // a first wave opens the connections, so the measured beats arrive together rather than one connect apart
    TestNode.await(Future.join(beats(client, cookies, CONNECTIONS)));
    beatMessages.clear();
    List<Future<HttpResponse<Buffer>>> replies = beats(client, cookies, BEATS);
    TestNode.await(Future.join(replies));

    int notConnected = 0;
    for (int i = 0; i < BEATS; i++) {
      HttpResponse<Buffer> r = replies.get(i).result();
      String id = PresenceApiTest.idOf(cookies.get(i % cookies.size()));
      if (stopped.contains(id)) {
        Api.assertProblem(new Reply(r.statusCode(), r.headers(), r.body()), 404, "session-not-connected");
        notConnected++;
      } else {
        assertEquals(204, r.statusCode(), () -> "beat of " + id + ": " + r.bodyAsString());
      }
    }
    assertEquals(BEATS * 3 / 20, notConnected);

    List<String> sent = new ArrayList<>();
    boolean stoppedInSharedBatch = false;
    for (JsonObject m : beatMessages) {
      assertNull(m.getValue("sessionId"), "a message per beat: " + m);
      JsonArray ids = m.getJsonArray("sessionIds");
      ids.forEach(id -> sent.add((String) id));
      stoppedInSharedBatch |= ids.size() > 1 && ids.stream().anyMatch(stopped::contains)
          && ids.stream().anyMatch(id -> !stopped.contains(id));
    }
    assertEquals(BEATS, sent.size(), "every beat is sent once");
    // far fewer messages than beats: on average at least four beats share each message (a loose bound, as
    // how many share one depends on how fast the client writes them; here typically 20 or more)
    assertTrue(beatMessages.size() <= BEATS / 4, beatMessages.size() + " beat messages for " + BEATS + " beats");
    assertTrue(stoppedInSharedBatch, "a stopped session shared a batch with connected ones");
    client.close();
    it.stop();
  }

  @Test
  void aFullBatchGoesAtOnceAndEachBeatLearnsItsOwnSession(Vertx vertx) {
    PresenceAddresses addresses = new PresenceAddresses("beat-batcher-full");
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    TestNode.await(vertx.eventBus().<JsonObject>consumer(addresses.beat(), m -> {
      received.add(m.body());
      m.reply(new JsonObject().put("missing", new JsonArray().add("b")));
    }).completion());
    // the third beat fills the batch (maxBatch 3) and sends it, all three in one message
    BeatBatcher batcher = new BeatBatcher(new PresenceClient(vertx.eventBus(), addresses, 10_000), 3, 60_000);
    List<Boolean> answers = onLoop(vertx, () -> Future.all(batcher.beat(vertx, "a"), batcher.beat(vertx, "b"),
        batcher.beat(vertx, "a")).map(f -> List.of(f.<Boolean>resultAt(0), f.<Boolean>resultAt(1),
        f.<Boolean>resultAt(2))));
    assertEquals(List.of(true, false, true), answers);
    assertEquals(1, received.size());
    assertEquals(List.of("a", "b", "a"), received.get(0).getJsonArray("sessionIds").getList());
  }

  @Test
  void aFailedBatchAnswersEveryBeatInItTheSame503(Vertx vertx) {
    PresenceAddresses nobody = new PresenceAddresses("beat-batcher-nobody");
    BeatBatcher batcher = new BeatBatcher(new PresenceClient(vertx.eventBus(), nobody, 10_000));
    List<Throwable> failures = onLoop(vertx, () -> {
      List<Future<Boolean>> beats = List.of(batcher.beat(vertx, "x"), batcher.beat(vertx, "y"));
      return Future.join(beats).transform(ar -> Future.succeededFuture(beats.stream().map(Future::cause).toList()));
    });
    assertEquals(2, failures.size());
    for (Throwable failure : failures) {
      assertFalse(failure == null, "a beat of a failed batch succeeded");
      Problem p = Problems.from(failure, "presence");
      assertEquals(503, p.status(), p.toJson()::encode);
      assertEquals("unavailable", p.toJson().getString("type").substring("urn:herald:problem:".length()));
    }
  }

  private static List<Future<HttpResponse<Buffer>>> beats(WebClient client, List<String> cookies, int n) {
    List<Future<HttpResponse<Buffer>>> replies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      replies.add(client.post("/v1/heartbeat").putHeader("Cookie", cookies.get(i % cookies.size())).send());
    }
    return replies;
  }

  /** Runs {@code body} on an event loop (as the routes do) and waits for its result on the test thread. */
  private static <T> T onLoop(Vertx vertx, Supplier<Future<T>> body) {
    Promise<T> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> body.get().onComplete(result));
    return TestNode.await(result.future());
  }
}
