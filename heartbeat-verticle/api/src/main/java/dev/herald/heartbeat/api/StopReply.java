package dev.herald.heartbeat.api;

import io.vertx.core.json.JsonObject;

/**
 * The reply to a stop: {@code {stopped}}.
 *
 * @param stopped true when the session was connected (its {@code disconnect} is published at once)
 */
public record StopReply(boolean stopped) {
  private static final String STOPPED = "stopped";

  public JsonObject toJson() {
    return new JsonObject().put(STOPPED, stopped);
  }

  public static StopReply fromJson(JsonObject o) {
    return new StopReply(o.getBoolean(STOPPED));
  }
}
