package dev.herald.replay.api;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.function.UnaryOperator;

/**
 * One event to publish, and its JSON form in a {@code herald.publish} message (docs/event-bus.md).
 *
 * @param channel        a valid channel name ({@link Names})
 * @param event          the event name, or {@code null}
 * @param data           the data as JSON text (any JSON value)
 * @param idempotencyKey optional; the same key and the same event again answer with the first id
 */
public record PublishRequest(String channel, String event, String data, String idempotencyKey) {
  /** Longest idempotency key. */
  public static final int MAX_KEY = 255;

  private static final String CHANNEL = "channel";
  private static final String EVENT = "event";
  private static final String DATA = "data";
  private static final String RAW_DATA = "rawData";
  private static final String KEY = "idempotencyKey";

  /** The JSON form: the data travels as text ({@code rawData}), exactly as given. */
  public JsonObject toJson() {
    JsonObject o = new JsonObject().put(CHANNEL, channel).put(RAW_DATA, data);
    if (event != null) {
      o.put(EVENT, event);
    }
    if (idempotencyKey != null) {
      o.put(KEY, idempotencyKey);
    }
    return o;
  }

  /**
   * Reads and checks one event: {@code {channel, event?, data? | rawData?, idempotencyKey?}}.
   *
   * @param jsonText answers the compact form of a JSON text, or throws {@link IllegalArgumentException}
   *                 saying why it is not one JSON value (the receiver's own parser)
   * @throws io.vertx.core.eventbus.ReplyException {@link HistoryFailure#BAD_REQUEST}, naming the problem
   */
  public static PublishRequest fromJson(JsonObject o, UnaryOperator<String> jsonText) {
    String channel = Fields.string(o, CHANNEL, "the channel");
    String problem = Names.channelProblem(channel);
    if (problem != null) {
      throw Fields.bad(problem);
    }
    String event = Fields.string(o, EVENT, "the event name");
    if (event != null) {
      problem = Names.eventProblem(event);
      if (problem != null) {
        throw Fields.bad(problem);
      }
      if (Names.isReserved(event)) {
        throw Fields.bad("event names beginning with " + Names.RESERVED_PREFIX + " are reserved for Herald's own events");
      }
    }
    return new PublishRequest(channel, event, data(o, jsonText), key(o));
  }

  private static String data(JsonObject o, UnaryOperator<String> jsonText) {
    boolean hasData = o.containsKey(DATA);
    boolean hasRaw = o.containsKey(RAW_DATA);
    if (hasData && hasRaw) {
      throw Fields.bad("give either data or rawData, not both");
    }
    if (!hasData && !hasRaw) {
      throw Fields.bad("data is missing");
    }
    String field = hasData ? DATA : RAW_DATA;
    String text;
    if (hasData) {
      text = Json.encode(o.getValue(DATA));
    } else if (o.getValue(RAW_DATA) instanceof String raw) {
      text = raw;
    } else {
      throw Fields.bad("rawData must be a string of JSON text");
    }
    try {
      return jsonText.apply(text);
    } catch (IllegalArgumentException e) {
      throw Fields.bad(field + " " + e.getMessage());
    }
  }

  private static String key(JsonObject o) {
    String key = Fields.string(o, KEY, "the idempotency key");
    if (key == null) {
      return null;
    }
    boolean ok = !key.isEmpty() && key.length() <= MAX_KEY;
    for (int i = 0; ok && i < key.length(); i++) {
      char c = key.charAt(i);
      ok = c >= 0x20 && c <= 0x7e;
    }
    if (!ok) {
      throw Fields.bad("the idempotency key must be 1 to " + MAX_KEY + " printable ASCII characters");
    }
    return key;
  }
}
