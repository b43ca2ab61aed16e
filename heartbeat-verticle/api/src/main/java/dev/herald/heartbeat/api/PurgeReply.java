package dev.herald.heartbeat.api;

import io.vertx.core.json.JsonObject;

/** The reply to {@code herald.sessions.purge}: {@code {disconnected}}, the sessions it disconnected. */
public record PurgeReply(int disconnected) {
  private static final String DISCONNECTED = "disconnected";

  public JsonObject toJson() {
    return new JsonObject().put(DISCONNECTED, disconnected);
  }

  public static PurgeReply fromJson(JsonObject o) {
    return new PurgeReply(o.getInteger(DISCONNECTED));
  }
}
