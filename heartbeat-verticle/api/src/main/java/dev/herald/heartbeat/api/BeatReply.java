package dev.herald.heartbeat.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/** The reply to a batched beat: {@code {missing: [ids not connected]}}. */
public record BeatReply(Set<String> missing) {
  private static final String MISSING = "missing";

  public JsonObject toJson() {
    return new JsonObject().put(MISSING, new JsonArray(new ArrayList<>(missing)));
  }

  public static BeatReply fromJson(JsonObject o) {
    Set<String> missing = new HashSet<>();
    o.getJsonArray(MISSING).forEach(id -> missing.add((String) id));
    return new BeatReply(missing);
  }
}
