package dev.herald.replay.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The reply to a {@code herald.publish}: one {@link PublishResult} for a single event, or
 * {@code {events: [...]}} in request order for a batch.
 */
public record PublishReply(List<PublishResult> results, boolean batch) {

  public PublishReply {
    results = List.copyOf(results);
  }

  public JsonObject toJson() {
    if (!batch) {
      return results.get(0).toJson();
    }
    JsonArray a = new JsonArray();
    results.forEach(r -> a.add(r.toJson()));
    return new JsonObject().put(PublishMessage.EVENTS, a);
  }

  public static PublishReply fromJson(JsonObject o) {
    JsonArray a = o.getJsonArray(PublishMessage.EVENTS);
    if (a == null) {
      return new PublishReply(List.of(PublishResult.fromJson(o)), false);
    }
    List<PublishResult> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      out.add(PublishResult.fromJson(a.getJsonObject(i)));
    }
    return new PublishReply(out, true);
  }
}
