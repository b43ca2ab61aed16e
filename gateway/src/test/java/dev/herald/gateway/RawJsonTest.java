package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RawJsonTest {

  @Test
  void keepsEachValueAsTheExactTextSent() {
    Map<String, RawJson.Field> f = RawJson.object(
        "{ \"event\" : \"goal\" , \"data\" : { \"n\" : 1.50, \"big\": 12345678901234567890123 } ,\n \"x\":[1, 2] }");
    assertEquals("goal", f.get("event").text());
    assertEquals("{ \"n\" : 1.50, \"big\": 12345678901234567890123 }", f.get("data").raw());
    assertEquals("[1, 2]", f.get("x").raw());
  }

  @Test
  void readsScalarsAtTheEndOfAnObject() {
    assertEquals("1e3", RawJson.object("{\"data\":1e3}").get("data").raw());
    assertEquals("-0.0", RawJson.object("{\"data\": -0.0 \n}").get("data").raw());
    assertEquals("\"a\\nb\"", RawJson.object("{\"data\":\"a\\nb\"}").get("data").raw());
    assertEquals("a\nb", RawJson.object("{\"data\":\"a\\nb\"}").get("data").text());
    assertTrue(RawJson.object("{\"data\":null}").get("data").isNull());
    assertEquals("\"é😀\"", RawJson.object("{\"data\":\"é😀\",\"event\":\"e\"}").get("data").raw());
  }

  @Test
  void refusesWhatIsNotOneJsonDocument() {
    for (String bad : List.of("", "  ", "{", "{\"data\":1,}", "{\"data\":1} {}", "[1]", "\"s\"", "{\"a\":1,\"a\":2}",
        "{\"data\":{\"x\":1,\"x\":2}}", "{data:1}", "{\"data\":01}")) {
      Problem p = assertThrows(Problem.class, () -> RawJson.object(bad), bad);
      assertEquals(400, p.status(), bad);
      assertEquals("invalid-json", p.slug(), bad);
    }
  }

  @Test
  void readsAnArrayOfObjectsWithinItsBound() {
    List<Map<String, RawJson.Field>> items = RawJson.arrayOfObjects(
        "[{\"channel\":\"a\",\"data\":1},{\"channel\":\"b\",\"data\":[true]}]", 2, n -> Problem.badRequest("x", "y"));
    assertEquals(2, items.size());
    assertEquals("[true]", items.get(1).get("data").raw());
    Problem p = assertThrows(Problem.class, () -> RawJson.arrayOfObjects("[{},{},{}]", 2,
        n -> Problem.badRequest("batch-too-large", "too many")));
    assertEquals("batch-too-large", p.slug());
    assertThrows(Problem.class, () -> RawJson.arrayOfObjects("[{}, 1]", 5, n -> Problem.badRequest("x", "y")));
  }
}
