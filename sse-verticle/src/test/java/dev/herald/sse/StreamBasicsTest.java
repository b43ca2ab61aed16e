package dev.herald.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.replay.api.HistoryOptions;
import dev.herald.replay.api.PublishResult;
import dev.herald.sse.api.StreamInfo;
import dev.herald.sse.api.StreamListener;
import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.ThrowingConsumer;

@ExtendWith(VertxExtension.class)
@Timeout(60)
class StreamBasicsTest {
  private static final Duration WAIT = SseHarness.WAIT;

  static <T> void check(VertxTestContext ctx, Future<T> f, ThrowingConsumer<T> asserts) {
    f.onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      asserts.accept(v);
      ctx.completeNow();
    })));
  }

  @Test
  void headersAndFirstBytes(Vertx vertx, VertxTestContext ctx) {
    Future<SseTestClient> c = SseHarness.start(vertx).compose(h -> h.open("/stream?channel=basics-head"));
    check(ctx, c.compose(client -> client.awaitBytes(18, WAIT).map(raw -> client)), client -> {
      assertEquals(200, client.status());
      assertEquals("text/event-stream; charset=utf-8", client.header("Content-Type"));
      assertEquals("no-cache, no-transform", client.header("Cache-Control"));
      assertEquals("no", client.header("X-Accel-Buffering"));
      assertEquals("chunked", client.header("Transfer-Encoding"));
      assertEquals("retry: 1500\n: ok\n\n", client.raw().toString());
      assertEquals(List.of(1500L), client.retries());
    });
  }

  /**
   * An open stream keeps its connection, and the connection its request and response: their header and
   * parameter maps are emptied once the head is out, so an idle stream does not hold what its client sent.
   */
  @Test
  void anOpenStreamForgetsTheHeaders(Vertx vertx, VertxTestContext ctx) {
    AtomicReference<HttpServerRequest> request = new AtomicReference<>();
    AtomicReference<Context> loop = new AtomicReference<>();
    Map<String, String> sent = Map.of("User-Agent", "Mozilla/5.0 " + "x".repeat(200), "Cookie", "a=b; c=d");
    Future<SseTestClient> c = SseHarness.start(vertx).compose(h -> {
      h.onStreamRequest = r -> {
        request.set(r);
        loop.set(Vertx.currentContext());
      };
      return h.open(0, "/stream?channel=basics-forget&envelope=0", sent);
    });
    Future<Void> checked = c.compose(client -> client.awaitBytes(18, WAIT).compose(raw -> {
      assertEquals("text/event-stream; charset=utf-8", client.header("Content-Type"));
      Promise<Void> p = Promise.promise();
      loop.get().runOnContext(v -> { // after the task that started the stream
        try {
          assertTrue(request.get().headers().isEmpty(), "request headers: " + request.get().headers());
          assertTrue(request.get().params().isEmpty(), "parameters: " + request.get().params());
          assertTrue(request.get().response().headers().isEmpty(), "response headers");
          p.complete();
        } catch (AssertionError e) {
          p.fail(e);
        }
      });
      return p.future();
    }));
    check(ctx, checked, v -> { });
  }

  @Test
  void paddingComesFirst(Vertx vertx, VertxTestContext ctx) {
    Future<SseTestClient> c = SseHarness.start(vertx,
            SseHarness.options(Duration.ofSeconds(15), 1 << 20, 100, true), HistoryOptions.DEFAULTS, null)
        .compose(h -> h.open("/stream?channel=basics-pad"));
    int expected = "retry: 1500\n".length() + SseFrames.PADDING_BYTES + 1;
    check(ctx, c.compose(client -> client.awaitBytes(expected, WAIT)), raw -> {
      String s = raw.toString();
      assertEquals(expected, s.length());
      assertTrue(s.startsWith("retry: 1500\n:"));
      assertTrue(s.endsWith(" \n\n"));
    });
  }

  @Test
  void liveEventsReachEveryLoopWithTheirOwnIds(Vertx vertx, VertxTestContext ctx) {
    String ch = "basics-live";
    Future<Void> test = SseHarness.start(vertx).compose(h -> Future.all(
            h.open(0, "/stream?channel=" + ch, Map.of()),
            h.open(1, "/stream?channel=" + ch, Map.of()),
            h.open(1, "/stream?channel=" + ch + "&envelope=1", Map.of()))
        .compose(all -> {
          SseTestClient a = all.resultAt(0);
          SseTestClient b = all.resultAt(1);
          SseTestClient env = all.resultAt(2);
          return h.publish(ch, "goal", "\"line1\\nline2\"")
              .compose(r1 -> h.publish(ch, null, "{\"score\":[1,0]}").map(r2 -> List.of(r1, r2)))
              .compose(ids -> Future.all(a.awaitEvents(2, WAIT), b.awaitEvents(2, WAIT), env.awaitEvents(2, WAIT))
                  .map(x -> {
                    ctx.verify(() -> {
                      for (SseTestClient c : List.of(a, b)) {
                        List<SseEvent> es = c.events();
                        assertEquals(new SseEvent("goal", "line1\nline2", ids.get(0).id(), ids.get(0).id()), es.get(0));
                        assertEquals(new SseEvent("message", "{\"score\":[1,0]}", ids.get(1).id(), ids.get(1).id()),
                            es.get(1));
                      }
                      List<SseEvent> es = env.events();
                      assertEquals(new JsonObject().put("channel", ch).put("data", "line1\nline2"),
                          new JsonObject(es.get(0).data()));
                      assertEquals(ids.get(0).id(), es.get(0).id());
                      assertEquals(new JsonObject().put("channel", ch).put("data",
                          new JsonObject().put("score", new JsonArray().add(1).add(0))), new JsonObject(es.get(1).data()));
                    });
                    return null;
                  }));
        }));
    check(ctx, test, v -> { });
  }

  @Test
  void pingsWhenIdle(Vertx vertx, VertxTestContext ctx) {
    Future<SseTestClient> c = SseHarness.start(vertx,
            SseHarness.options(Duration.ofMillis(150), 1 << 20, 100, false), HistoryOptions.DEFAULTS, null)
        .compose(h -> h.open("/stream?channel=basics-ping"));
    check(ctx, c.compose(client -> client.awaitComments(4, WAIT).map(x -> client)), client -> {
      List<String> comments = client.comments();
      assertEquals(" ok", comments.get(0));
      assertEquals("", comments.get(1), "a ping is an empty comment");
      assertTrue(client.raw().toString().contains("\n:\n\n"));
      assertEquals(List.of(), client.events());
    });
  }

  @Test
  void pastMaxStreamsAnswers503Problem(Vertx vertx, VertxTestContext ctx) {
    Future<SseTestClient[]> test = SseHarness.start(vertx,
            SseHarness.options(Duration.ofSeconds(15), 1 << 20, 1, false), HistoryOptions.DEFAULTS, null)
        .compose(h -> h.open("/stream?channel=basics-max")
            .compose(first -> h.open(1, "/stream?channel=basics-max", Map.of())
                .compose(second -> second.awaitEnd(WAIT).map(v -> new SseTestClient[] {first, second}))));
    check(ctx, test, cs -> {
      assertEquals(200, cs[0].status());
      assertEquals(503, cs[1].status());
      assertEquals("application/problem+json", cs[1].header("Content-Type"));
      JsonObject problem = new JsonObject(cs[1].body());
      assertEquals("urn:herald:problem:too-many-streams", problem.getString("type"));
      assertEquals("Too many streams", problem.getString("title"));
      assertEquals(503, problem.getInteger("status"));
      assertTrue(problem.getString("detail").contains("sse.maxStreams"));
    });
  }

  @Test
  void connectAndDisconnectAreAnnounced(Vertx vertx, VertxTestContext ctx) {
    List<String> heard = new CopyOnWriteArrayList<>();
    StreamListener listener = new StreamListener() {
      @Override
      public void opened(StreamInfo stream) {
        heard.add("opened " + stream.sessionId());
      }

      @Override
      public void closed(StreamInfo stream, String reason) {
        heard.add("closed " + stream.sessionId() + " " + reason);
      }
    };
    Promise<JsonObject> connect = Promise.promise();
    Promise<JsonObject> disconnect = Promise.promise();
    Future<SseHarness> started = SseHarness.start(vertx,
        SseHarness.options(Duration.ofSeconds(15), 1 << 20, 100, false), HistoryOptions.DEFAULTS, listener);
    Future<Object[]> test = started.compose(h -> Future.all(
            vertx.eventBus().<JsonObject>consumer(h.addresses.connect(), m -> connect.tryComplete(m.body())).completion(),
            vertx.eventBus().<JsonObject>consumer(h.addresses.disconnect(), m -> disconnect.tryComplete(m.body()))
                .completion())
        .compose(x -> h.open("/stream?channel=basics-a&channel=basics-b&session=s-1"))
        .compose(client -> connect.future().map(open -> {
          ctx.verify(() -> assertEquals(1, h.streams().openStreams()));
          return open;
        }).compose(open -> client.close().compose(v -> disconnect.future()).map(close -> new Object[] {h, open, close}))));
    check(ctx, test, r -> {
      SseHarness h = (SseHarness) r[0];
      JsonObject open = (JsonObject) r[1];
      JsonObject close = (JsonObject) r[2];
      assertEquals("node-1", open.getString("node"));
      assertEquals(new JsonArray().add("basics-a").add("basics-b"), open.getJsonArray("channels"));
      assertEquals("s-1", open.getString("sessionId"));
      assertTrue(open.getString("streamId").startsWith("node-1-"));
      assertNotEquals(null, open.getString("openedAt"));
      assertEquals(open.getString("streamId"), close.getString("streamId"));
      assertEquals("client", close.getString("reason"));
      assertEquals(List.of("opened s-1", "closed s-1 client"), heard);
      assertEquals(0, h.streams().openStreams());
      assertEquals(0.0, h.registry.get("herald.sse.streams").gauge().value());
    });
  }

  @Test
  void topicStreamRelaysBusMessages(Vertx vertx, VertxTestContext ctx) {
    Future<SseTestClient> test = SseHarness.start(vertx)
        .compose(h -> h.open("/topic?address=test.presence.connect&event=connect"
            + "&address=test.presence.disconnect&event=disconnect"))
        .compose(client -> {
          vertx.eventBus().publish("test.presence.connect", new JsonObject().put("sessionId", "x"));
          vertx.eventBus().publish("test.presence.disconnect", new JsonObject().put("sessionId", "x")
              .put("reason", "stop"));
          return client.awaitEvents(2, WAIT).map(x -> client);
        });
    check(ctx, test, client -> {
      assertEquals(200, client.status());
      assertEquals("text/event-stream; charset=utf-8", client.header("Content-Type"));
      List<SseEvent> es = client.events();
      assertEquals(new SseEvent("connect", "{\"sessionId\":\"x\"}", null, ""), es.get(0));
      assertEquals("disconnect", es.get(1).type());
      assertEquals(new JsonObject().put("sessionId", "x").put("reason", "stop"), new JsonObject(es.get(1).data()));
    });
  }

  @Test
  void stoppingTheVerticleEndsStreamsWithShutdown(Vertx vertx, VertxTestContext ctx) {
    Promise<JsonObject> disconnect = Promise.promise();
    Future<Object[]> test = SseHarness.start(vertx).compose(h -> vertx.eventBus()
        .<JsonObject>consumer(h.addresses.disconnect(), m -> disconnect.tryComplete(m.body())).completion()
        .compose(x -> h.open("/stream?channel=basics-stop"))
        .compose(client -> vertx.undeploy(h.sse.deploymentID())
            .compose(v -> client.awaitEnd(WAIT))
            .compose(v -> disconnect.future())
            .map(d -> new Object[] {h, d})));
    check(ctx, test, r -> {
      assertEquals("shutdown", ((JsonObject) r[1]).getString("reason"));
      assertEquals(0, ((SseHarness) r[0]).streams().openStreams());
    });
  }
}
