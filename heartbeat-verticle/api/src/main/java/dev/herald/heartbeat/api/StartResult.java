package dev.herald.heartbeat.api;

import io.vertx.core.json.JsonObject;

/**
 * The answer to a start, and its JSON form as the reply: {@code {session, state: "connect" | "reconnect"}}.
 *
 * @param reconnect true when the session was still connected (a page refresh, a new tab): no new connect
 */
public record StartResult(Session session, boolean reconnect) {
  private static final String SESSION = "session";
  private static final String STATE = "state";
  private static final String RECONNECT = "reconnect";

  public String state() {
    return reconnect ? RECONNECT : "connect";
  }

  public JsonObject toJson() {
    return new JsonObject().put(SESSION, session.toJson()).put(STATE, state());
  }

  public static StartResult fromJson(JsonObject o) {
    return new StartResult(Session.fromJson(o.getJsonObject(SESSION)), RECONNECT.equals(o.getString(STATE)));
  }
}
