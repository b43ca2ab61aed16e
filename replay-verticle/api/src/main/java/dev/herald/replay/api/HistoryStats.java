package dev.herald.replay.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The reply to {@code herald.history.stats}, the answering node's view:
 * {@code {channels, published, ratePerSec, top: [{channel, published, ratePerSec}]}}.
 *
 * @param channels   channels the history store holds (every node's, on a shared store)
 * @param published  events this node published since it started
 * @param ratePerSec events per second this node published recently
 * @param top        this node's busiest channels, highest recent rate first
 */
public record HistoryStats(long channels, long published, double ratePerSec, List<Channel> top) {
  private static final String CHANNELS = "channels";
  private static final String CHANNEL = "channel";
  private static final String PUBLISHED = "published";
  private static final String RATE = "ratePerSec";
  private static final String TOP = "top";

  /** One channel's figures on this node. */
  public record Channel(String channel, long published, double ratePerSec) {
  }

  public HistoryStats {
    top = List.copyOf(top);
  }

  /** The same figures with only the channels {@code keep} accepts in {@link #top}. */
  public HistoryStats filter(Predicate<String> keep) {
    return new HistoryStats(channels, published, ratePerSec, top.stream().filter(c -> keep.test(c.channel())).toList());
  }

  public JsonObject toJson() {
    JsonArray rows = new JsonArray();
    top.forEach(c -> rows.add(new JsonObject().put(CHANNEL, c.channel()).put(PUBLISHED, c.published())
        .put(RATE, c.ratePerSec())));
    return new JsonObject().put(CHANNELS, channels).put(PUBLISHED, published).put(RATE, ratePerSec).put(TOP, rows);
  }

  public static HistoryStats fromJson(JsonObject o) {
    JsonArray rows = o.getJsonArray(TOP);
    List<Channel> top = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      JsonObject r = rows.getJsonObject(i);
      top.add(new Channel(r.getString(CHANNEL), r.getLong(PUBLISHED), r.getDouble(RATE)));
    }
    return new HistoryStats(o.getLong(CHANNELS), o.getLong(PUBLISHED), o.getDouble(RATE), top);
  }
}
