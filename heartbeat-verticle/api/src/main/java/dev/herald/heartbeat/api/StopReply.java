package dev.herald.heartbeat.api;

import io.vertx.core.json.JsonObject;

/**
 * The reply to a stop: {@code {stopped, leaving}}.
 *
 * @param stopped true when the session was connected and is disconnected now (its {@code disconnect} is
 *                published at once)
 * @param leaving true for a {@code leaving} stop of a connected session: its disconnect follows after
 *                {@code heartbeat.leaveGrace} unless a start or beat comes first
 */
public record StopReply(boolean stopped, boolean leaving) {
  private static final String STOPPED = "stopped";
  private static final String LEAVING = "leaving";

  public JsonObject toJson() {
    return new JsonObject().put(STOPPED, stopped).put(LEAVING, leaving);
  }

  public static StopReply fromJson(JsonObject o) {
    return new StopReply(o.getBoolean(STOPPED, false), o.getBoolean(LEAVING, false));
  }
}
