package dev.herald.replay.api;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer to a history read, and its JSON form as the {@code herald.history} reply:
 * {@code {channel, epoch, events: [{id, seq, event?, data | rawData, publishedAt, publishedAtMs?}], gap,
 * reason?, more}}.
 *
 * @param channel the channel read
 * @param epoch   the channel's current epoch, {@code 0} when the channel does not exist
 * @param events  retained events after the cursor, oldest first
 * @param gap     why events after the cursor are gone, or {@code null} when none are
 * @param more    true when further events follow the last one returned (read again after it)
 */
public record HistoryPage(String channel, long epoch, List<StoredEvent> events, GapReason gap, boolean more) {
  private static final String CHANNEL = "channel";
  private static final String EPOCH = "epoch";
  private static final String EVENTS = "events";
  private static final String GAP = "gap";
  private static final String REASON = "reason";
  private static final String MORE = "more";
  private static final String ID = "id";
  private static final String SEQ = "seq";
  private static final String EVENT = "event";
  private static final String DATA = "data";
  private static final String RAW_DATA = "rawData";
  private static final String PUBLISHED_AT = "publishedAt";
  private static final String PUBLISHED_AT_MS = "publishedAtMs";

  /**
   * The reply form; with {@code raw} each event's data stays JSON text ({@code rawData}, plus
   * {@code publishedAtMs}), else it is a JSON value ({@code data}).
   */
  public JsonObject toJson(boolean raw) {
    JsonArray out = new JsonArray();
    for (StoredEvent e : events) {
      JsonObject o = new JsonObject().put(ID, e.id()).put(SEQ, e.seq());
      if (e.event() != null) {
        o.put(EVENT, e.event());
      }
      if (raw) {
        o.put(RAW_DATA, e.data()).put(PUBLISHED_AT_MS, e.publishedAt());
      } else {
        o.put(DATA, Json.decodeValue(e.data()));
      }
      o.put(PUBLISHED_AT, Instant.ofEpochMilli(e.publishedAt()).toString());
      out.add(o);
    }
    JsonObject o = new JsonObject().put(CHANNEL, channel).put(EPOCH, epoch).put(EVENTS, out)
        .put(GAP, gap != null).put(MORE, more);
    if (gap != null) {
      o.put(REASON, gap.wire());
    }
    return o;
  }

  /** Reads a reply of either form (data as a JSON value is kept as its JSON text). */
  public static HistoryPage fromJson(JsonObject o) {
    String channel = o.getString(CHANNEL);
    long epoch = o.getLong(EPOCH);
    JsonArray a = o.getJsonArray(EVENTS);
    List<StoredEvent> events = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      JsonObject e = a.getJsonObject(i);
      String data = e.containsKey(RAW_DATA) ? e.getString(RAW_DATA) : Json.encode(e.getValue(DATA));
      long at = e.containsKey(PUBLISHED_AT_MS) ? e.getLong(PUBLISHED_AT_MS)
          : Instant.parse(e.getString(PUBLISHED_AT)).toEpochMilli();
      events.add(new StoredEvent(channel, epoch, e.getLong(SEQ), e.getString(EVENT), data, at));
    }
    String reason = o.getString(REASON);
    return new HistoryPage(channel, epoch, events, reason == null ? null : GapReason.fromWire(reason),
        o.getBoolean(MORE, false));
  }
}
