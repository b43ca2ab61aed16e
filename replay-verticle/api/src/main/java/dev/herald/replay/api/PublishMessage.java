package dev.herald.replay.api;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The body of a {@code herald.publish} request: one event ({@link PublishRequest#toJson()}) or a batch
 * {@code {events: [...]}} of 1 to {@value #MAX_BATCH}. Written by {@link HistoryClient}, read by the
 * replay verticle; every item is checked before anything is stored.
 *
 * @param batch which reply shape the sender expects ({@link PublishReply})
 */
public record PublishMessage(List<PublishRequest> events, boolean batch) {
  /** Items one batch may hold at most (docs/http-api.md). */
  public static final int MAX_BATCH = 1000;
  static final String EVENTS = "events";

  public PublishMessage {
    events = List.copyOf(events);
  }

  public static PublishMessage one(PublishRequest r) {
    return new PublishMessage(List.of(r), false);
  }

  public static PublishMessage batch(List<PublishRequest> rs) {
    return new PublishMessage(rs, true);
  }

  public JsonObject toJson() {
    if (!batch) {
      return events.get(0).toJson();
    }
    JsonArray a = new JsonArray();
    events.forEach(r -> a.add(r.toJson()));
    return new JsonObject().put(EVENTS, a);
  }

  /**
   * Reads and checks a publish message.
   *
   * @param jsonText see {@link PublishRequest#fromJson}
   * @throws ReplyException {@link HistoryFailure#BAD_REQUEST}; in a batch the message
   *     starts with {@code events[i]:}
   */
  public static PublishMessage fromJson(Object body, UnaryOperator<String> jsonText) {
    if (!(body instanceof JsonObject o)) {
      throw Fields.bad("the publish message must be a JSON object");
    }
    if (!o.containsKey(EVENTS)) {
      return one(PublishRequest.fromJson(o, jsonText));
    }
    if (!(o.getValue(EVENTS) instanceof JsonArray a)) {
      throw Fields.bad("events must be an array of events");
    }
    checkSize(a.size());
    List<PublishRequest> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      String at = "events[" + i + "]: ";
      if (!(a.getValue(i) instanceof JsonObject item)) {
        throw Fields.bad(at + "an event must be a JSON object");
      }
      try {
        out.add(PublishRequest.fromJson(item, jsonText));
      } catch (ReplyException e) {
        throw Fields.bad(at + e.getMessage());
      }
    }
    return batch(out);
  }

  /**
   * This message checked as {@link #fromJson} checks one, each event's data in compact form: what a node's
   * replay verticle stores when it is called directly (dev.herald.bus.LocalServices).
   *
   * @throws ReplyException {@link HistoryFailure#BAD_REQUEST}, as {@link #fromJson}
   */
  public PublishMessage checked(UnaryOperator<String> jsonText) {
    if (!batch) {
      return one(events.get(0).checked(jsonText));
    }
    checkSize(events.size());
    List<PublishRequest> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      try {
        out.add(events.get(i).checked(jsonText));
      } catch (ReplyException e) {
        throw Fields.bad("events[" + i + "]: " + e.getMessage());
      }
    }
    return batch(out);
  }

  private static void checkSize(int size) {
    if (size == 0) {
      throw Fields.bad("events is empty: a batch holds 1 to " + MAX_BATCH + " events");
    }
    if (size > MAX_BATCH) {
      throw Fields.bad("a batch holds at most " + MAX_BATCH + " events, this one has " + size);
    }
  }
}
