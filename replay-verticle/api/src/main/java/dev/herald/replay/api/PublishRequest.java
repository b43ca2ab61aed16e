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
    String event = Fields.string(o, EVENT, "the event name");
    checkNames(channel, event);
    boolean hasData = o.containsKey(DATA);
    boolean hasRaw = o.containsKey(RAW_DATA);
    if (hasData && hasRaw) {
      throw Fields.bad("give either data or rawData, not both");
    }
    if (!hasData && !hasRaw) {
      throw Fields.bad("data is missing");
    }
    String text;
    if (hasData) {
      text = Json.encode(o.getValue(DATA));
    } else if (o.getValue(RAW_DATA) instanceof String raw) {
      text = raw;
    } else {
      throw Fields.bad("rawData must be a string of JSON text");
    }
    return new PublishRequest(channel, event, compact(text, hasData ? DATA : RAW_DATA, jsonText),
        checkKey(Fields.string(o, KEY, "the idempotency key")));
  }

  /**
   * This event checked as the receiver checks a message ({@link #fromJson}), with its data in compact form: what
   * a node's replay verticle stores when it is called directly (dev.herald.bus.LocalServices).
   *
   * @throws io.vertx.core.eventbus.ReplyException {@link HistoryFailure#BAD_REQUEST}, naming the problem
   */
  public PublishRequest checked(UnaryOperator<String> jsonText) {
    checkNames(channel, event);
    if (data == null) {
      throw Fields.bad("data is missing");
    }
    return new PublishRequest(channel, event, compact(data, RAW_DATA, jsonText), checkKey(idempotencyKey));
  }

  private static void checkNames(String channel, String event) {
    String problem = Names.channelProblem(channel);
    if (problem != null) {
      throw Fields.bad(problem);
    }
    if (event != null) {
      problem = Names.eventProblem(event);
      if (problem != null) {
        throw Fields.bad(problem);
      }
      if (Names.isReserved(event)) {
        throw Fields.bad("event names beginning with " + Names.RESERVED_PREFIX + " are reserved for Herald's own events");
      }
    }
  }

  private static String compact(String text, String field, UnaryOperator<String> jsonText) {
    try {
      return jsonText.apply(text);
    } catch (IllegalArgumentException e) {
      throw Fields.bad(field + " " + e.getMessage());
    }
  }

  private static String checkKey(String key) {
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
