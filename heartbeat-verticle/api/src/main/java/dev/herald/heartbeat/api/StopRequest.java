package dev.herald.heartbeat.api;

import io.vertx.core.json.JsonObject;

/**
 * The body of a {@code herald.heartbeat.stop} request: {@code {sessionId, client?, leaving?}}.
 *
 * @param sessionId the session to stop
 * @param client    the client the session was started for (its slot of the per-client bound is freed at
 *                  once), or {@code null}
 * @param leaving   true for a page that goes away: the disconnect waits {@code heartbeat.leaveGrace} for a
 *                  start or beat of the session, which makes it a {@code reconnect} instead
 */
public record StopRequest(String sessionId, String client, boolean leaving) {
  private static final String CLIENT = "client";
  private static final String LEAVING = "leaving";

  /** A stop now, counted against no client. */
  public StopRequest(String sessionId, String client) {
    this(sessionId, client, false);
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject().put(Fields.SESSION_ID, sessionId);
    if (client != null) {
      o.put(CLIENT, client);
    }
    if (leaving) {
      o.put(LEAVING, true);
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
    Object leaving = o.getValue(LEAVING);
    if (leaving != null && !(leaving instanceof Boolean)) {
      throw Fields.bad("leaving must be true or false");
    }
    return new StopRequest(Fields.sessionId(o), Fields.client(o), Boolean.TRUE.equals(leaving));
  }
}
