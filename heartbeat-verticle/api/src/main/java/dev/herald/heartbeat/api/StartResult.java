package dev.herald.heartbeat.api;

/**
 * The answer to a start.
 *
 * @param reconnect true when the session was still connected (a page refresh, a new tab): no new connect
 */
public record StartResult(Session session, boolean reconnect) {
  public String state() {
    return reconnect ? "reconnect" : "connect";
  }
}
