package dev.herald.heartbeat.api;

import io.vertx.core.json.JsonObject;

/** The body of a {@code herald.heartbeat.stop} or {@code herald.sessions.get} request: {@code {sessionId}}. */
public record SessionRequest(String sessionId) {

  public JsonObject toJson() {
    return new JsonObject().put(Fields.SESSION_ID, sessionId);
  }

  /**
   * Reads and checks the request.
   *
   * @throws io.vertx.core.eventbus.ReplyException {@link PresenceFailure#BAD_REQUEST} for a missing or bad id
   */
  public static SessionRequest fromJson(Object body) {
    return new SessionRequest(Fields.sessionId(Fields.object(body)));
  }
}
