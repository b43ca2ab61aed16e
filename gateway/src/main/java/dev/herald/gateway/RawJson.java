package dev.herald.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Reads request bodies with a streaming parser and keeps each top-level field's value as the exact
 * JSON text the client sent, so published {@code data} is stored as it came (numbers are never
 * re-parsed and re-printed). Duplicate keys are refused at every depth.
 */
final class RawJson {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** One field of a JSON object: its token kind, its raw JSON text and, for a string, its value. */
  record Field(String name, JsonToken token, String raw, String text) {
    boolean isNull() {
      return token == JsonToken.VALUE_NULL;
    }

    boolean isString() {
      return token == JsonToken.VALUE_STRING;
    }

    boolean isObject() {
      return token == JsonToken.START_OBJECT;
    }
  }

  private RawJson() {
  }

  /** Reads a body that must be one JSON object. */
  static Map<String, Field> object(String body) {
    return read(body, (p, src) -> {
      expect(p, JsonToken.START_OBJECT, "the body must be a JSON object");
      return fields(p, src);
    });
  }

  /**
   * Reads a body that must be a JSON array of objects, of at most {@code max} items.
   *
   * @param tooMany called with the count when there are more than {@code max} items; returns the problem
   */
  static List<Map<String, Field>> arrayOfObjects(String body, int max, IntFunction<Problem> tooMany) {
    return read(body, (p, src) -> {
      expect(p, JsonToken.START_ARRAY, "the body must be a JSON array of events");
      List<Map<String, Field>> items = new ArrayList<>();
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (items.size() == max) {
          throw tooMany.apply(items.size() + 1);
        }
        if (t != JsonToken.START_OBJECT) {
          throw Problem.invalidJson("item " + items.size() + ": each item must be a JSON object "
              + "{\"channel\", \"event\", \"data\"}");
        }
        items.add(fields(p, src));
      }
      return items;
    });
  }

  private interface Reader<T> {
    T read(JsonParser p, String src) throws IOException;
  }

  private static <T> T read(String body, Reader<T> reader) {
    if (body.isBlank()) {
      throw Problem.invalidJson("the body is empty; send a JSON document with Content-Type: application/json");
    }
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() == null) {
        throw Problem.invalidJson("the body is empty; send a JSON document");
      }
      T value = reader.read(p, body);
      if (p.nextToken() != null) {
        throw Problem.invalidJson("unexpected content after the JSON value at character "
            + p.currentTokenLocation().getCharOffset());
      }
      return value;
    } catch (JsonProcessingException e) {
      throw Problem.invalidJson("the body is not valid JSON: " + describe(e));
    } catch (IOException e) {
      throw Problem.invalidJson("the body could not be read as JSON");
    }
  }

  private static void expect(JsonParser p, JsonToken token, String detail) {
    if (p.currentToken() != token) {
      throw Problem.invalidJson(detail);
    }
  }

  /** Reads the fields of the object whose START_OBJECT is the current token; ends on its END_OBJECT. */
  private static Map<String, Field> fields(JsonParser p, String src) throws IOException {
    Map<String, Field> out = new LinkedHashMap<>();
    String name = null;
    JsonToken valueToken = null;
    String text = null;
    int start = -1;
    while (true) {
      JsonToken t = p.nextToken();
      int at = (int) p.currentTokenLocation().getCharOffset();
      if (name != null) {
        out.put(name, new Field(name, valueToken, trimEnd(src, start, at), text));
        name = null;
      }
      if (t == JsonToken.END_OBJECT) {
        return out;
      }
      // t is a FIELD_NAME: duplicate names were refused by the parser
      name = p.currentName();
      valueToken = p.nextToken();
      start = (int) p.currentTokenLocation().getCharOffset();
      text = valueToken == JsonToken.VALUE_STRING ? p.getText() : null;
      if (valueToken == JsonToken.START_OBJECT || valueToken == JsonToken.START_ARRAY) {
        p.skipChildren();
      }
    }
  }

  /** The value's text: from its first character up to the next token, less the comma and blanks between. */
  private static String trimEnd(String src, int start, int nextToken) {
    int end = nextToken;
    while (end > start && (Character.isWhitespace(src.charAt(end - 1)) || src.charAt(end - 1) == ',')) {
      end--;
    }
    return src.substring(start, end);
  }

  private static String describe(JsonProcessingException e) {
    String msg = e.getOriginalMessage();
    if (msg == null) {
      msg = "syntax error";
    }
    int nl = msg.indexOf('\n');
    if (nl >= 0) {
      msg = msg.substring(0, nl);
    }
    if (msg.length() > 200) {
      msg = msg.substring(0, 200) + "…";
    }
    long offset = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
    return offset >= 0 ? msg + " (at character " + offset + ")" : msg;
  }
}
