package dev.herald.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class JsonTextTest {

  @Test
  void compactKeepsNumbersAndStringsExactly() {
    for (String exact : new String[] {
        "12345678901234567890.123456789", "1.10", "-0", "1E+300", "0.000000000000000000000001",
        "\"h\u00e9llo \u2713 \ud83d\ude00 \u2028\"", "\"a\\r\\nb\\rc\\n\"", "null", "true", "[]", "{}",
        "{\"n\":{\"x\":[1,{\"y\":null}],\"e\":-1.5E-7}}", "\"tab\\t quote\\\" backslash\\\\ slash/\"",
        "123456789012345678901234567890"}) {
      assertEquals(exact, JsonText.compact(exact));
    }
  }

  @Test
  void compactDropsWhitespaceAndNormalisesEscapes() {
    assertEquals("{\"a\":[1,2.50],\"b\":\"x\"}", JsonText.compact(" {\n \"a\" : [ 1 ,\t2.50 ] , \"b\":\"x\" }\r\n"));
    assertEquals("\"\u00e9/\"", JsonText.compact("\"\\u00e9\\/\""));
    assertEquals("\"\\u0000\"", JsonText.compact("\"\\u0000\""));
  }

  @Test
  void compactRefusesWhatIsNotOneJsonValue() {
    for (String bad : new String[] {"", "   ", "{", "[1,", "1 2", "{} x", "{\"a\":1}}", "'a'", "NaN", "01",
        "{a:1}", "\"unterminated", "\"\\ud800\"", "[\"\\udc00 x\"]", "{\"\\ud800\":1}", "\"raw\u0001control\"",
        "// c\n1"}) {
      assertThrows(IllegalArgumentException.class, () -> JsonText.compact(bad), () -> "accepted " + bad);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonText.compact("1 2"));
    assertTrue(e.getMessage().contains("more after the value"), e.getMessage());
  }

  @Test
  void encodeWritesParsedValues() {
    assertEquals("{\"s\":\"a\\r\\nb\",\"n\":[1,2.5,null]}",
        JsonText.encode(new JsonObject().put("s", "a\r\nb").put("n", new JsonArray().add(1).add(2.5).addNull())));
    assertEquals("null", JsonText.encode(null));
    assertEquals("\"x\"", JsonText.encode("x"));
  }

  @Test
  void equalityIsJsonEquality() {
    assertTrue(JsonText.equal("{\"a\":1,\"b\":[1.5,\"x\"]}", "{ \"b\" : [1.50, \"x\"], \"a\" : 1.0 }"));
    assertTrue(JsonText.equal("1e2", "100"));
    assertTrue(JsonText.equal("null", " null "));
    assertFalse(JsonText.equal("12345678901234567890.123456789", "12345678901234567890.123456788"));
    assertFalse(JsonText.equal("{\"a\":1}", "{\"a\":1,\"b\":null}"));
    assertFalse(JsonText.equal("[1,2]", "[2,1]"));
    assertFalse(JsonText.equal("\"1\"", "1"));
    assertFalse(JsonText.equal("true", "1"));
    assertFalse(JsonText.equal("{\"a\":null}", "{\"b\":null}"));
    assertFalse(JsonText.equal("not json", "not  json"));
  }
}
