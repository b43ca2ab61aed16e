package dev.herald.heartbeat.api;

import io.vertx.core.json.JsonObject;

/**
 * The body of a {@code herald.heartbeat.stop} request: {@code {sessionId, client?}}.
 *
 * @param sessionId the session to stop
 * @param client    the client the session was started for (its slot of the per-client bound is freed at
 *                  once), or {@code null}
 */
public record StopRequest(String sessionId, String client) {

  public JsonObject toJson() {
    JsonObject o = new JsonObject().put(Fields.SESSION_ID, sessionId);
    if (client != null) {
      o.put("client", client);
    }
    return o;
  }

  /**
   * Reads and checks the request.
   *
   * @throws io.vertx.core.eventbus.ReplyException {@link PresenceFailure#BAD_REQUEST} for a missing or bad member
   */
  public static StopRequest fromJson(Object body) {
    JsonObject o = Fields.object(body);
    return new StopRequest(Fields.sessionId(o), Fields.client(o));
  }
}
