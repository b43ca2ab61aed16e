package dev.herald.replay.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON bodies of the replay verticle's request/reply addresses, in one place for the verticle and
 * the typed client (field names are documented in {@code docs/event-bus.md}).
 */
public final class HistoryMessages {
  /** Channels one heads request may name. */
  public static final int MAX_HEADS = 1000;

  private HistoryMessages() {
  }

  public static JsonObject publish(PublishRequest r) {
    JsonObject o = new JsonObject().put("channel", r.channel()).put("rawData", r.data());
    if (r.event() != null) {
      o.put("event", r.event());
    }
    if (r.idempotencyKey() != null) {
      o.put("idempotencyKey", r.idempotencyKey());
    }
    return o;
  }

  public static JsonObject publishAll(List<PublishRequest> rs) {
    JsonArray a = new JsonArray();
    for (PublishRequest r : rs) {
      a.add(publish(r));
    }
    return new JsonObject().put("events", a);
  }

  public static JsonObject result(PublishResult r) {
    return new JsonObject().put("channel", r.channel()).put("id", r.id()).put("epoch", r.epoch())
        .put("seq", r.seq()).put("publishedAt", r.publishedAt()).put("duplicate", r.duplicate());
  }

  public static PublishResult result(JsonObject o) {
    return new PublishResult(o.getString("channel"), o.getString("id"), o.getLong("epoch"), o.getLong("seq"),
        o.getLong("publishedAt"), o.getBoolean("duplicate", false));
  }

  public static JsonObject results(List<PublishResult> rs) {
    JsonArray a = new JsonArray();
    for (PublishResult r : rs) {
      a.add(result(r));
    }
    return new JsonObject().put("events", a);
  }

  public static List<PublishResult> results(JsonObject o) {
    JsonArray a = o.getJsonArray("events");
    List<PublishResult> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      out.add(result(a.getJsonObject(i)));
    }
    return out;
  }

  /**
   * A history request.
   *
   * @param after an event id (any cursor covering the channel), or {@code null} to read from the oldest
   * @param raw   true to get each event's data as JSON text in {@code rawData} rather than as a JSON value
   */
  public static JsonObject read(String channel, String after, int limit, boolean raw) {
    JsonObject o = new JsonObject().put("channel", channel).put("limit", limit);
    if (after != null) {
      o.put("after", after);
    }
    if (raw) {
      o.put("raw", true);
    }
    return o;
  }

  /** A history reply; with {@code raw} the data stays JSON text ({@code rawData}), else it is a JSON value. */
  public static JsonObject page(HistoryPage p, boolean raw) {
    JsonArray events = new JsonArray();
    for (StoredEvent e : p.events()) {
      JsonObject o = new JsonObject().put("id", e.id()).put("seq", e.seq());
      if (e.event() != null) {
        o.put("event", e.event());
      }
      if (raw) {
        o.put("rawData", e.data()).put("publishedAtMs", e.publishedAt());
      } else {
        o.put("data", io.vertx.core.json.Json.decodeValue(e.data()));
      }
      o.put("publishedAt", Instant.ofEpochMilli(e.publishedAt()).toString());
      events.add(o);
    }
    JsonObject o = new JsonObject().put("channel", p.channel()).put("epoch", p.epoch()).put("events", events)
        .put("gap", p.gap() != null).put("more", p.more());
    if (p.gap() != null) {
      o.put("reason", p.gap().wire());
    }
    return o;
  }

  /** Reads a reply produced by {@code page(p, true)}. */
  public static HistoryPage page(JsonObject o) {
    String channel = o.getString("channel");
    long epoch = o.getLong("epoch");
    JsonArray a = o.getJsonArray("events");
    List<StoredEvent> events = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      JsonObject e = a.getJsonObject(i);
      events.add(new StoredEvent(channel, epoch, e.getLong("seq"), e.getString("event"), e.getString("rawData"),
          e.getLong("publishedAtMs")));
    }
    String reason = o.getString("reason");
    return new HistoryPage(channel, epoch, events, reason == null ? null : GapReason.fromWire(reason),
        o.getBoolean("more", false));
  }

  /** A heads request: {@code {"channels": [...]}}. */
  public static JsonObject heads(List<String> channels) {
    return new JsonObject().put("channels", new JsonArray(new ArrayList<>(channels)));
  }

  /** A heads reply: {@code {"heads": [[epoch, seq], ...]}} in the order of the request. */
  public static JsonObject headsReply(List<ChannelHead> heads) {
    JsonArray a = new JsonArray(new ArrayList<>(heads.size()));
    for (ChannelHead h : heads) {
      a.add(new JsonArray().add(h.epoch()).add(h.seq()));
    }
    return new JsonObject().put("heads", a);
  }

  /** Reads a heads reply for the channels asked. */
  public static List<ChannelHead> heads(List<String> channels, JsonObject reply) {
    JsonArray a = reply.getJsonArray("heads");
    List<ChannelHead> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size() && i < channels.size(); i++) {
      JsonArray h = a.getJsonArray(i);
      out.add(new ChannelHead(channels.get(i), h.getLong(0), h.getLong(1)));
    }
    return out;
  }
}
