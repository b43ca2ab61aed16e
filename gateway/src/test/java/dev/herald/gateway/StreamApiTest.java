package dev.herald.gateway;

import static dev.herald.gateway.Api.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.replay.api.Cursor;
import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /v1/stream} on the wire: headers, first bytes, ids, data encoding, envelope, pings, errors. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamApiTest {
  private static TestNode.Running it;

  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, Map.of("sse.retryTimeout", "1500ms"));
  }

  @AfterAll
  static void stop() {
    it.stop();
  }

  private static SseTestClient live(String uri) {
    return Streams.live(it.vertx(), it.node().port(), uri);
  }

  private static SseTestClient live(String uri, Map<String, String> headers) {
    return Streams.live(it.vertx(), it.node().port(), uri, headers);
  }

  @Test
  void aStreamStartsWithItsHeadersAndFirstBytes() {
    SseTestClient c = live("/v1/stream?channel=st-head");
    assertEquals("text/event-stream; charset=utf-8", c.header("Content-Type"));
    assertEquals("no-cache, no-transform", c.header("Cache-Control"));
    assertEquals("no", c.header("X-Accel-Buffering"));
    assertEquals(List.of(1500L), c.retries());
    assertTrue(c.body().startsWith("retry: 1500\n"), c.body());
    Streams.close(c);
  }

  @Test
  void publishedEventsArriveWithThePublishIdAndName() {
    SseTestClient c = live("/v1/stream?channel=st-live");
    String id1 = it.api().publish("st-live", "goal", "{\"score\":[1,0],\"x\":1.50}");
    String id2 = it.api().publish("st-live", null, "\"plain text\"");
    String id3 = it.api().publish("st-live", null, "null");
    List<SseEvent> events = Streams.events(c, 3);
    assertEquals(new SseEvent("goal", "{\"score\":[1,0],\"x\":1.50}", id1, id1), events.get(0));
    assertEquals(new SseEvent("message", "plain text", id2, id2), events.get(1));
    assertEquals(new SseEvent("message", "null", id3, id3), events.get(2));
    Streams.close(c);
  }

  @Test
  void envelopeNamesTheChannelOfEachEvent() {
    SseTestClient c = live("/v1/stream?channel=st-env-a&channel=st-env-b&envelope=1");
    it.api().publish("st-env-b", "e", "{\"k\":\"v\"}");
    it.api().publish("st-env-a", null, "\"line1\\nline2\"");
    List<SseEvent> events = Streams.events(c, 2);
    assertEquals(new JsonObject().put("channel", "st-env-b").put("data", new JsonObject().put("k", "v")),
        new JsonObject(events.get(0).data()));
    assertEquals("e", events.get(0).type());
    assertEquals(new JsonObject().put("channel", "st-env-a").put("data", "line1\nline2"),
        new JsonObject(events.get(1).data()));
    assertTrue(events.get(1).hasId());
    Streams.close(c);
  }

  @Test
  void envelope2SendsEveryEventUnnamedWithItsNameItsOwnIdAndItsChannel() {
    SseTestClient c = live("/v1/stream?channel=st-env2-a&channel=st-env2-b&envelope=2");
    SseEvent open = Streams.events(c, 1).get(0);
    assertEquals(new JsonObject().put("channel", null).put("event", "herald.open").put("id", null).put("data", null),
        new JsonObject(open.data()), "first, where the stream starts: its id covers both channels already");
    assertEquals(2, Cursor.decode(open.id()).positions().size());
    String idB = it.api().publish("st-env2-b", "never-declared", "{\"k\":\"v\"}");
    String idA = it.api().publish("st-env2-a", null, "\"line1\\nline2\"");
    List<SseEvent> events = Streams.events(c, 3).subList(1, 3);
    assertEquals("message", events.get(0).type(), "no event: line, so onmessage gets it");
    assertEquals(new JsonObject().put("channel", "st-env2-b").put("event", "never-declared").put("id", idB)
        .put("data", new JsonObject().put("k", "v")), new JsonObject(events.get(0).data()));
    assertEquals(new JsonObject().put("channel", "st-env2-a").put("event", null).put("id", idA)
        .put("data", "line1\nline2"), new JsonObject(events.get(1).data()));
    assertNotEquals(idA, events.get(1).id(), "the id: line stays the stream's cursor over both channels");
    assertEquals(2, Cursor.decode(events.get(1).id()).positions().size());
    Streams.close(c);
    // a gap too: unnamed, enveloped, no id of its own
    SseTestClient resumed = live("/v1/stream?channel=st-env2-a&envelope=2", Map.of("Last-Event-ID", "not a cursor"));
    SseEvent gap = Streams.events(resumed, 2).get(1);
    assertEquals("message", gap.type());
    assertEquals(new JsonObject().put("channel", "st-env2-a").put("event", "herald.gap").put("id", null)
        .put("data", new JsonObject().put("channel", "st-env2-a").put("reason", "invalid-cursor")),
        new JsonObject(gap.data()));
    Streams.close(resumed);
  }

  @Test
  void aLongOrUnreadableLastEventIdIsAnInvalidCursorGapNeverA4xx() {
    String ch = "st-long-id";
    String live = it.api().publish(ch, null, "1");
    for (String id : List.of("A".repeat(7000), "AQ" + "_".repeat(6000), "%%%", live + "x")) {
      SseTestClient c = live("/v1/stream?channel=" + ch, Map.of("Last-Event-ID", id));
      SseEvent gap = Streams.events(c, 1).get(0);
      assertEquals("herald.gap", gap.type(), id.substring(0, Math.min(20, id.length())));
      assertEquals("invalid-cursor", new JsonObject(gap.data()).getString("reason"));
      String next = it.api().publish(ch, null, "2");
      assertEquals(next, Streams.events(c, 2).get(1).id(), "then live, from the head on");
      Streams.close(c);
    }
  }

  @Test
  void noPublishedByteCanAddAnSseField() {
    SseTestClient c = live("/v1/stream?channel=st-g6");
    String hostile = "a\r\nb\rc\n\nevent: x\nid: 1\r\n\r\ndata: injected\nretry: 1";
    String json = io.vertx.core.json.Json.encode(hostile);
    String id = it.api().publish("st-g6", null, json);
    it.api().publish("st-g6", null, "{\"k\":\"\\n\\nevent: y\\r\\nid: 2\"}");
    String after = it.api().publish("st-g6", "after", "1");
    List<SseEvent> events = Streams.events(c, 3);
    assertEquals(3, c.events().size(), c.events().toString());
    assertEquals(new SseEvent("message", "a\nb\nc\n\nevent: x\nid: 1\n\ndata: injected\nretry: 1", id, id),
        events.get(0));
    assertEquals(new JsonObject().put("k", "\n\nevent: y\r\nid: 2"), new JsonObject(events.get(1).data()));
    assertEquals("message", events.get(1).type());
    assertEquals(new SseEvent("after", "1", after, after), events.get(2));
    assertEquals(List.of(1500L), c.retries());
    for (String line : c.body().split("\n")) {
      assertTrue(line.isEmpty() || line.startsWith("data: ") || line.startsWith("id: ") || line.startsWith(":")
          || line.startsWith("event: ") || line.startsWith("retry: 1500"), "unexpected line: " + line);
      assertFalse(line.contains("\r"), line);
    }
    assertEquals(hostile, it.api().history("st-g6").getJsonArray("events").getJsonObject(0).getString("data"));
    Streams.close(c);
  }

  @Test
  void aHostileResumeIdIsNeverEchoed() {
    SseTestClient c = live("/v1/stream?channel=st-g6-id&lastEventId=x%0D%0Aevent:%20evil%0A%0Adata:%201");
    String id = it.api().publish("st-g6-id", null, "2");
    SseEvent gap = Streams.events(c, 1).get(0);
    assertEquals("herald.gap", gap.type());
    assertEquals(new JsonObject().put("channel", "st-g6-id").put("reason", "invalid-cursor"),
        new JsonObject(gap.data()));
    assertEquals(new SseEvent("message", "2", id, id), Streams.events(c, 2).get(1));
    assertFalse(c.body().contains("evil"), c.body());
    Streams.close(c);
  }

  @Test
  void aCommentKeepsAQuietStreamAlive() {
    SseTestClient c = live("/v1/stream?channel=st-ping");
    List<String> comments = TestNode.await(c.awaitComments(2, Streams.WAIT));
    assertEquals("", comments.get(1));
    assertTrue(c.events().isEmpty());
    Streams.close(c);
  }

  @Test
  void theLastEventIdHeaderWinsOverTheQuery() {
    String ch = "st-resume-header";
    String a = it.api().publish(ch, null, "1");
    String b = it.api().publish(ch, null, "2");
    String c3 = it.api().publish(ch, null, "3");
    SseTestClient header = Streams.live(it.vertx(), it.node().port(), "/v1/stream?channel=" + ch + "&lastEventId=" + a,
        Map.of("Last-Event-ID", b));
    assertEquals(new SseEvent("message", "3", c3, c3), Streams.events(header, 1).get(0));
    SseTestClient query = live("/v1/stream?channel=" + ch + "&lastEventId=" + a);
    assertEquals(List.of("2", "3"), Streams.events(query, 2).stream().map(SseEvent::data).toList());
    SseTestClient earliest = live("/v1/stream?channel=" + ch + "&lastEventId=earliest");
    assertEquals(List.of(a, b, c3), Streams.events(earliest, 3).stream().map(SseEvent::id).toList());
    String d = it.api().publish(ch, null, "4");
    for (SseTestClient s : List.of(header, query, earliest)) {
      TestNode.await(s.awaitEvent(e -> d.equals(e.id()), Streams.WAIT));
      assertEquals(1, s.events().stream().filter(e -> "4".equals(e.data())).count());
      Streams.close(s);
    }
  }

  @Test
  void badStreamRequestsAreProblems() {
    Map<String, String> bad = Map.ofEntries(
        Map.entry("/v1/stream", "no-channel"),
        Map.entry("/v1/stream?lastEventId=x", "no-channel"),
        Map.entry("/v1/stream?channel=", "invalid-name"),
        Map.entry("/v1/stream?channel=a%20b", "invalid-name"),
        Map.entry("/v1/stream?channel=" + "c".repeat(129), "invalid-name"),
        Map.entry("/v1/stream?channel=a&channel=b&channel=c&channel=d&channel=e", "too-many-channels"),
        Map.entry("/v1/stream?channel=a&channel=a", "duplicate-channel"),
        Map.entry("/v1/stream?channel=a&lastEventId=x&lastEventId=y", "invalid-query"),
        Map.entry("/v1/stream?channel=a&envelope=1&envelope=1", "invalid-query"),
        Map.entry("/v1/stream?channel=a&envelope=yes", "invalid-query"),
        Map.entry("/v1/stream?channel=a&envelope=3", "invalid-query"),
        Map.entry("/v1/stream?channel=a%zz", "invalid-query"));
    bad.forEach((uri, slug) -> {
      Reply r = it.api().get(uri, "Accept", "text/event-stream");
      JsonObject p = assertProblem(r, 400, slug);
      assertNull(r.getHeader("X-Accel-Buffering"), p.encode());
    });
    SseTestClient four = live("/v1/stream?channel=a1&channel=a2&channel=a3&channel=herald.x");
    assertEquals(200, four.status());
    Streams.close(four);
  }
}
