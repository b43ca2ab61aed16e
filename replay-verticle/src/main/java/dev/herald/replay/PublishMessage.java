package dev.herald.replay;

import dev.herald.replay.api.Names;
import dev.herald.replay.api.PublishRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and validates the body of a {@code herald.publish} message: one event
 * {@code {channel, event?, data? | rawData?, idempotencyKey?}} or a batch {@code {events: [...]}}.
 * Every item is checked before anything is stored; a problem is an {@link IllegalArgumentException}
 * whose message names it (and, in a batch, the item's index).
 */
final class PublishMessage {
  /** Items one batch may hold at most (docs/http-api.md). */
  static final int MAX_BATCH = 1000;
  /** Longest idempotency key. */
  static final int MAX_KEY = 255;

  /** The validated requests, with data as compact JSON text; {@code batch} tells which reply shape to use. */
  record Parsed(List<PublishRequest> requests, boolean batch) {
  }

  private PublishMessage() {
  }

  static Parsed parse(Object body) {
    if (!(body instanceof JsonObject o)) {
      throw new IllegalArgumentException("the publish message must be a JSON object");
    }
    if (!o.containsKey("events")) {
      return new Parsed(List.of(item(o)), false);
    }
    if (!(o.getValue("events") instanceof JsonArray a)) {
      throw new IllegalArgumentException("events must be an array of events");
    }
    if (a.isEmpty()) {
      throw new IllegalArgumentException("events is empty: a batch holds 1 to " + MAX_BATCH + " events");
    }
    if (a.size() > MAX_BATCH) {
      throw new IllegalArgumentException("a batch holds at most " + MAX_BATCH + " events, this one has " + a.size());
    }
    List<PublishRequest> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      try {
        if (!(a.getValue(i) instanceof JsonObject item)) {
          throw new IllegalArgumentException("an event must be a JSON object");
        }
        out.add(item(item));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("events[" + i + "]: " + e.getMessage());
      }
    }
    return new Parsed(List.copyOf(out), true);
  }

  private static PublishRequest item(JsonObject o) {
    String channel = string(o, "channel", "the channel");
    String problem = Names.channelProblem(channel);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    String event = string(o, "event", "the event name");
    if (event != null) {
      problem = Names.eventProblem(event);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      if (Names.isReserved(event)) {
        throw new IllegalArgumentException("event names beginning with " + Names.RESERVED_PREFIX
            + " are reserved for Herald's own events");
      }
    }
    return new PublishRequest(channel, event, data(o), key(o));
  }

  private static String data(JsonObject o) {
    boolean hasData = o.containsKey("data");
    boolean hasRaw = o.containsKey("rawData");
    if (hasData && hasRaw) {
      throw new IllegalArgumentException("give either data or rawData, not both");
    }
    if (!hasData && !hasRaw) {
      throw new IllegalArgumentException("data is missing");
    }
    try {
      if (hasData) {
        return JsonText.encode(o.getValue("data"));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("data " + e.getMessage());
    }
    if (!(o.getValue("rawData") instanceof String raw)) {
      throw new IllegalArgumentException("rawData must be a string of JSON text");
    }
    try {
      return JsonText.compact(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("rawData " + e.getMessage());
    }
  }

  private static String key(JsonObject o) {
    String key = string(o, "idempotencyKey", "the idempotency key");
    if (key == null) {
      return null;
    }
    boolean ok = !key.isEmpty() && key.length() <= MAX_KEY;
    for (int i = 0; ok && i < key.length(); i++) {
      char c = key.charAt(i);
      ok = c >= 0x20 && c <= 0x7e;
    }
    if (!ok) {
      throw new IllegalArgumentException("the idempotency key must be 1 to " + MAX_KEY + " printable ASCII characters");
    }
    return key;
  }

  /** The member as a string, null when absent or null; a value of another type is a problem. */
  private static String string(JsonObject o, String name, String what) {
    Object v = o.getValue(name);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw new IllegalArgumentException(what + " must be a string");
  }
}
