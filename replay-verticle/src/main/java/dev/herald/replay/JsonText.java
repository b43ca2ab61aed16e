package dev.herald.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Event data as compact JSON text. Published data is stored exactly as the publisher wrote it, minus
 * insignificant whitespace: numbers keep their spelling ({@code 1.10} stays {@code 1.10}, a
 * 30-digit decimal keeps every digit), strings are re-escaped the canonical way. The text is copied
 * token by token with Jackson's streaming parser, so no number ever passes through a {@code double}.
 */
final class JsonText {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private JsonText() {
  }

  /**
   * The compact form of one JSON value.
   *
   * @throws IllegalArgumentException naming the problem when {@code text} is not exactly one JSON value
   */
  static String compact(String text) {
    if (text == null) {
      throw new IllegalArgumentException("is missing");
    }
    StringWriter out = new StringWriter(text.length());
    try (JsonParser p = FACTORY.createParser(text); JsonGenerator g = FACTORY.createGenerator(out)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new IllegalArgumentException("is empty, not a JSON value");
      }
      int depth = 0;
      do {
        depth += copy(p, t, g);
        if (depth > 0) {
          t = p.nextToken();
          if (t == null) {
            throw new IllegalArgumentException("is not valid JSON: it ends inside a value");
          }
        }
      } while (depth > 0);
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("is not valid JSON: there is more after the value");
      }
      g.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot be read: " + e.getMessage());
    }
    return out.toString();
  }

  /** Copies the current token; returns the change of nesting depth it makes. */
  private static int copy(JsonParser p, JsonToken t, JsonGenerator g) throws IOException {
    switch (t) {
      case START_OBJECT -> {
        g.writeStartObject();
        return 1;
      }
      case END_OBJECT -> {
        g.writeEndObject();
        return -1;
      }
      case START_ARRAY -> {
        g.writeStartArray();
        return 1;
      }
      case END_ARRAY -> {
        g.writeEndArray();
        return -1;
      }
      case FIELD_NAME -> g.writeFieldName(checked(p.currentName()));
      case VALUE_STRING -> g.writeString(checked(p.getText()));
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
      case VALUE_TRUE -> g.writeBoolean(true);
      case VALUE_FALSE -> g.writeBoolean(false);
      case VALUE_NULL -> g.writeNull();
      default -> throw new IllegalArgumentException("is not valid JSON: unexpected " + t);
    }
    return 0;
  }

  /** Refuses strings with unpaired UTF-16 surrogates: they cannot be stored as UTF-8 unchanged. */
  private static String checked(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new IllegalArgumentException("is not valid JSON: a string holds an unpaired surrogate");
      }
      if (Character.isLowSurrogate(c)) {
        throw new IllegalArgumentException("is not valid JSON: a string holds an unpaired surrogate");
      }
    }
    return s;
  }

  /** Compact JSON text of a value already parsed (a {@code JsonObject}, {@code JsonArray}, string, number, boolean or null). */
  static String encode(Object value) {
    return compact(Json.encode(value));
  }

  /**
   * JSON equality of two texts: the same structure, member order ignored, numbers compared exactly
   * by value ({@code 1}, {@code 1.0} and {@code 1.00} are equal; two 30-digit decimals that differ in
   * the last digit are not). Text that is not JSON equals only the same text.
   */
  static boolean equal(String a, String b) {
    if (Objects.equals(a, b)) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    try {
      return equalValues(parse(a), parse(b));
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  private static Object parse(String text) throws IOException {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new IllegalArgumentException("empty");
      }
      return value(p, t);
    }
  }

  /** The value starting at the current token: maps, lists, BigDecimal, String, Boolean or null. */
  private static Object value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new HashMap<>();
        for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
          String name = p.currentName();
          m.put(name, value(p, p.nextToken()));
        }
        return m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
          if (v == null) {
            throw new IllegalArgumentException("truncated");
          }
          l.add(value(p, v));
        }
        return l;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return new BigDecimal(p.getText());
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IllegalArgumentException("unexpected " + t);
    }
  }

  private static boolean equalValues(Object a, Object b) {
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y) == 0;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !equalValues(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!equalValues(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }
}
