package dev.herald.gateway;

import static dev.herald.gateway.Api.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Publishing and history over HTTP, every error path included; a refused request changes nothing. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PublishApiTest {
  private static TestNode.Running it;

  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, Map.of("history.maxEvents", 5, "http.maxBodyBytes", "40KiB"));
  }

  @AfterAll
  static void stop() {
    it.stop();
  }

  private static String json(String channel) {
    return "/v1/channels/" + channel + "/events";
  }

  @Test
  void publishAnswers201AndHistoryKeepsTheDataExactly() {
    String id = it.api().publish("pub-exact", "goal", "{ \"n\" : 1.50, \"big\": 12345678901234567890123, \"s\": \"é\" }");
    Reply r = it.api().get(json("pub-exact"));
    assertEquals(200, r.statusCode());
    String body = r.bodyAsString();
    assertTrue(body.contains("\"data\":{\"n\":1.50,\"big\":12345678901234567890123,\"s\":\"é\"}"), body);
    JsonObject page = r.bodyAsJsonObject();
    assertEquals(List.of("events", "gap"), List.copyOf(page.fieldNames()));
    assertFalse(page.getBoolean("gap"));
    JsonObject e = page.getJsonArray("events").getJsonObject(0);
    assertEquals(id, e.getString("id"));
    assertEquals("goal", e.getString("event"));
    assertTrue(e.getString("publishedAt").endsWith("Z"));
    Instant.parse(e.getString("publishedAt"));
  }

  @Test
  void everyJsonValueIsData() {
    List<String> values = List.of("\"text\"", "\"a\\r\\nb\\n\\nevent: x\\rid: 1\"", "42", "-0.5e10", "true", "null",
        "[1,[2],{}]", "{\"a\":{\"b\":[null]}}");
    for (String v : values) {
      it.api().publish("pub-types", null, v);
    }
    JsonArray events = it.api().history("pub-types").getJsonArray("events");
    assertEquals(5, events.size(), "history.maxEvents is 5");
    String body = it.api().get(json("pub-types")).bodyAsString();
    for (String v : values.subList(3, values.size())) {
      assertTrue(body.contains("\"data\":" + v + ","), v + " in " + body);
    }
    assertNull(events.getJsonObject(0).getValue("event"));
  }

  @Test
  void aHostileStringComesBackFromHistoryExactly() {
    String hostile = "a\r\nb\n\nevent: x\rid: 1\n\ndata: y";
    it.api().publish("pub-hostile", null, new JsonArray().add(hostile).encode().replaceAll("^\\[|\\]$", ""));
    assertEquals(hostile, it.api().history("pub-hostile").getJsonArray("events").getJsonObject(0).getString("data"));
  }

  @Test
  void idempotencyKeyAnswersTheFirstIdOrConflict() {
    String ch = "pub-idem";
    Reply first = it.api().post(json(ch), "{\"event\":\"e\",\"data\":{\"a\":1,\"b\":[1,2]}}",
        "Idempotency-Key", "key-1");
    assertEquals(201, first.statusCode(), first.bodyAsString());
    String id = first.bodyAsJsonObject().getString("id");
    Reply again = it.api().post(json(ch), "{ \"data\" : {\"a\":1, \"b\":[1, 2]}, \"event\":\"e\"}",
        "Idempotency-Key", "key-1");
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals(new JsonObject().put("channel", ch).put("id", id), again.bodyAsJsonObject());
    JsonObject before = it.api().history(ch);
    assertProblem(it.api().post(json(ch), "{\"event\":\"e\",\"data\":{\"a\":2}}", "Idempotency-Key", "key-1"), 409, "conflict");
    assertProblem(it.api().post(json(ch), "{\"event\":\"other\",\"data\":{\"a\":1,\"b\":[1,2]}}", "Idempotency-Key",
        "key-1"), 409, "conflict");
    assertProblem(it.api().post(json(ch), "{\"data\":1}", "Idempotency-Key", "x".repeat(300)), 400,
        "invalid-idempotency-key");
    assertProblem(it.api().post(json(ch), "{\"data\":1}", "Idempotency-Key", "a", "Idempotency-Key", "b"), 400,
        "invalid-idempotency-key");
    assertEquals(before, it.api().history(ch));
    assertEquals(1, before.getJsonArray("events").size());
  }

  @Test
  void badSingleEventsAreProblemsAndChangeNothing() {
    String ch = "pub-bad";
    it.api().publish(ch, "e", "1");
    JsonObject before = it.api().history(ch);
    Map<String, String> bodies = Map.ofEntries(
        Map.entry("{\"data\":", "invalid-json"),
        Map.entry("not json", "invalid-json"),
        Map.entry("", "invalid-json"),
        Map.entry("[{\"data\":1}]", "invalid-json"),
        Map.entry("\"data\"", "invalid-json"),
        Map.entry("{\"data\":1} {\"data\":2}", "invalid-json"),
        Map.entry("{\"data\":1,\"data\":2}", "invalid-json"),
        Map.entry("{\"event\":\"e\"}", "missing-data"),
        Map.entry("{}", "missing-data"),
        Map.entry("{\"event\":7,\"data\":1}", "invalid-field"),
        Map.entry("{\"event\":\"a b\",\"data\":1}", "invalid-name"),
        Map.entry("{\"event\":\"\",\"data\":1}", "invalid-name"),
        Map.entry("{\"event\":\"" + "e".repeat(65) + "\",\"data\":1}", "invalid-name"),
        Map.entry("{\"event\":\"herald.gap\",\"data\":1}", "reserved-name"),
        Map.entry("{\"data\":1,\"channel\":\"x\"}", "unknown-field"));
    bodies.forEach((body, slug) -> assertProblem(it.api().post(json(ch), body, "Content-Type", "application/json"), 400,
        slug));
    assertEquals(before, it.api().history(ch));
  }

  @Test
  void badChannelNamesAreProblems() {
    assertProblem(it.api().post(json("a%20b"), "{\"data\":1}"), 400, "invalid-name");
    assertProblem(it.api().post(json("a%0Ab"), "{\"data\":1}"), 400, "invalid-name");
    assertProblem(it.api().post(json("c".repeat(129)), "{\"data\":1}"), 400, "invalid-name");
    assertProblem(it.api().post(json("herald.canary.x"), "{\"data\":1}"), 400, "reserved-name");
    assertProblem(it.api().post(json("%zz"), "{\"data\":1}"), 400, "invalid-path");
    assertProblem(it.api().get(json("a%2")), 400, "invalid-path");
    assertProblem(it.api().post(json("a") + "?x=%zz", "{\"data\":1}"), 400, "invalid-query");
    assertProblem(it.api().get(json("a%20b")), 400, "invalid-name");
    assertEquals(0, it.api().history("c".repeat(128)).getJsonArray("events").size());
    JsonObject empty = assertProblem(it.api().post("/v1/channels//events", "{\"data\":1}"), 400, "invalid-name");
    assertTrue(empty.getString("detail").contains("empty"), empty.encode());
    assertEquals(0, it.api().history("herald.canary.x").getJsonArray("events").size());
  }

  @Test
  void bodiesOverTheLimitAre413() {
    String ch = "pub-large";
    String big = "{\"data\":\"" + "x".repeat(41_000) + "\"}";
    JsonObject p = assertProblem(it.api().post(json(ch), big), 413, "body-too-large");
    assertTrue(p.getString("detail").contains("40960"), p.encode());
    Reply chunked = it.api().postChunked(json(ch), big);
    assertProblem(chunked, 413, "body-too-large");
    assertProblem(it.api().post("/v1/events", "[" + "{\"channel\":\"a\",\"data\":1},".repeat(2000) + "{}]"), 413,
        "body-too-large");
    assertEquals(0, it.api().history(ch).getJsonArray("events").size());
    it.api().publish(ch, null, "\"" + "y".repeat(40_000) + "\"");
    assertEquals(1, it.api().history(ch).getJsonArray("events").size());
  }

  @Test
  void batchPublishesInOrder() {
    Reply r = it.api().post("/v1/events", "[{\"channel\":\"batch-a\",\"event\":\"x\",\"data\":1},"
        + "{\"channel\":\"batch-b\",\"data\":[2]},{\"channel\":\"batch-a\",\"data\":{\"three\":3.0}}]");
    assertEquals(201, r.statusCode(), r.bodyAsString());
    JsonArray ids = r.bodyAsJsonObject().getJsonArray("events");
    assertEquals(List.of("batch-a", "batch-b", "batch-a"), ids.stream().map(o -> ((JsonObject) o).getString("channel"))
        .toList());
    JsonArray a = it.api().history("batch-a").getJsonArray("events");
    assertEquals(ids.getJsonObject(0).getString("id"), a.getJsonObject(0).getString("id"));
    assertEquals(ids.getJsonObject(2).getString("id"), a.getJsonObject(1).getString("id"));
    assertTrue(it.api().get(json("batch-a")).bodyAsString().contains("\"data\":{\"three\":3.0}"));
    assertEquals(ids.getJsonObject(1).getString("id"),
        it.api().history("batch-b").getJsonArray("events").getJsonObject(0).getString("id"));
  }

  @Test
  void aBadBatchIsRefusedWholeNamingTheItem() {
    String good = "{\"channel\":\"batch-bad-a\",\"data\":1}";
    JsonObject p = assertProblem(it.api().post("/v1/events", "[" + good + ",{\"channel\":\"bad name\",\"data\":1}]"), 400,
        "invalid-name");
    assertEquals(1, p.getInteger("index"));
    assertTrue(p.getString("detail").startsWith("events[1]"), p.encode());
    p = assertProblem(it.api().post("/v1/events", "[" + good + "," + good + ",{\"channel\":\"batch-bad-b\"}]"), 400,
        "missing-data");
    assertEquals(2, p.getInteger("index"));
    assertProblem(it.api().post("/v1/events", "[" + good + ",{\"channel\":\"herald.x\",\"data\":1}]"), 400, "reserved-name");
    assertProblem(it.api().post("/v1/events", "[" + good + ",{\"data\":1}]"), 400, "missing-channel");
    assertProblem(it.api().post("/v1/events", "[" + good + ",{\"channel\":5,\"data\":1}]"), 400, "invalid-field");
    assertProblem(it.api().post("/v1/events", "[" + good + ",7]"), 400, "invalid-json");
    assertProblem(it.api().post("/v1/events", "[]"), 400, "empty-batch");
    assertProblem(it.api().post("/v1/events", good), 400, "invalid-json");
    assertProblem(it.api().post("/v1/events", "[" + good), 400, "invalid-json");
    StringBuilder tooMany = new StringBuilder("[");
    for (int i = 0; i < 1001; i++) {
      tooMany.append(i == 0 ? "" : ",").append("{\"channel\":\"c\",\"data\":1}");
    }
    assertTrue(tooMany.length() < 40 * 1024);
    assertProblem(it.api().post("/v1/events", tooMany.append(']').toString()), 400, "batch-too-large");
    assertEquals(0, it.api().history("batch-bad-a").getJsonArray("events").size());
    assertEquals(0, it.api().history("batch-bad-b").getJsonArray("events").size());
    assertEquals(0, it.api().history("c").getJsonArray("events").size());
  }

  @Test
  void historyReadsAfterACursorWithALimit() {
    String ch = "hist-read";
    String[] ids = new String[4];
    for (int i = 0; i < 4; i++) {
      ids[i] = it.api().publish(ch, "n", Integer.toString(i));
    }
    JsonObject page = it.api().get(json(ch) + "?after=" + ids[0] + "&limit=2").bodyAsJsonObject();
    JsonArray events = page.getJsonArray("events");
    assertEquals(2, events.size());
    assertEquals(ids[1], events.getJsonObject(0).getString("id"));
    assertEquals(2, events.getJsonObject(1).getInteger("data"));
    assertFalse(page.getBoolean("gap"));
    assertEquals(0, it.api().get(json(ch) + "?after=" + ids[3]).bodyAsJsonObject().getJsonArray("events").size());
    assertEquals(new JsonObject().put("events", new JsonArray()).put("gap", false), it.api().history("hist-never"));
    for (String bad : List.of("limit=0", "limit=1001", "limit=abc", "limit=", "limit=-1")) {
      assertProblem(it.api().get(json(ch) + "?" + bad), 400, "invalid-limit");
    }
    assertProblem(it.api().get(json(ch) + "?limit=1&limit=2"), 400, "invalid-query");
    assertProblem(it.api().get(json(ch) + "?after=" + ids[0] + "&after=" + ids[1]), 400, "invalid-query");
    assertProblem(it.api().get(json(ch) + "?after=%zz"), 400, "invalid-query");
    assertProblem(it.api().get(json(ch) + "?after=not-a-cursor"), 400, "bad-request");
  }

  @Test
  void historyTellsOfAGapWhenEventsAfterTheCursorAreTrimmed() {
    String ch = "hist-gap";
    String first = it.api().publish(ch, null, "0");
    for (int i = 1; i <= 6; i++) {
      it.api().publish(ch, null, Integer.toString(i));
    }
    JsonObject page = it.api().get(json(ch) + "?after=" + first).bodyAsJsonObject();
    assertTrue(page.getBoolean("gap"));
    assertEquals(5, page.getJsonArray("events").size());
    assertEquals(2, page.getJsonArray("events").getJsonObject(0).getInteger("data"));
  }

  @Test
  void unknownRoutesAndWrongMethodsAreProblems() {
    assertProblem(it.api().get("/v1/nothing-here"), 404, "no-route");
    assertProblem(it.api().get("/nothing"), 404, "no-route");
    assertProblem(it.api().send(HttpMethod.PUT, json("a"), Buffer.buffer("{}")), 405, "method-not-allowed");
    assertProblem(it.api().send(HttpMethod.DELETE, "/v1/stream?channel=a", null), 405, "method-not-allowed");
    assertProblem(it.api().get("/v1/events"), 405, "method-not-allowed");
    assertProblem(it.api().get("/v1/heartbeat"), 405, "method-not-allowed");
  }
}
