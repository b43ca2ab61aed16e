package dev.herald.replay.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The reply of {@code herald.history.heads}: {@code {heads: [[epoch, seq, timeSec], ...]}}, one per channel
 * asked, in the order asked (all 0 for a channel the store does not hold).
 */
public record HeadsReply(List<ChannelHead> heads) {
  private static final String HEADS = "heads";

  public JsonObject toJson() {
    JsonArray a = new JsonArray(new ArrayList<>(heads.size()));
    for (ChannelHead h : heads) {
      a.add(new JsonArray().add(h.epoch()).add(h.seq()).add(h.timeSec()));
    }
    return new JsonObject().put(HEADS, a);
  }

  /** Reads the reply to a request for {@code channels}. */
  public static HeadsReply fromJson(List<String> channels, JsonObject o) {
    JsonArray a = o.getJsonArray(HEADS);
    if (a == null || a.size() != channels.size()) {
      throw Fields.bad("a heads reply must hold one head per channel asked");
    }
    List<ChannelHead> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      JsonArray h = a.getJsonArray(i);
      out.add(new ChannelHead(channels.get(i), h.getLong(0), h.getLong(1), h.getLong(2)));
    }
    return new HeadsReply(out);
  }
}
