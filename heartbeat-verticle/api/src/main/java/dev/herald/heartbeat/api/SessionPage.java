package dev.herald.heartbeat.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of connected sessions, ordered by session id, and its JSON form as the
 * {@code herald.sessions.list} reply: {@code {sessions: [...], cursor}}.
 *
 * @param cursor where the next page starts (the last session id of this page), or {@code null} at the end
 */
public record SessionPage(List<Session> sessions, String cursor) {
  private static final String SESSIONS = "sessions";
  private static final String CURSOR = "cursor";

  public JsonObject toJson() {
    JsonArray a = new JsonArray(new ArrayList<>(sessions.size()));
    sessions.forEach(s -> a.add(s.toJson()));
    return new JsonObject().put(SESSIONS, a).put(CURSOR, cursor);
  }

  public static SessionPage fromJson(JsonObject o) {
    JsonArray a = o.getJsonArray(SESSIONS);
    List<Session> sessions = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      sessions.add(Session.fromJson(a.getJsonObject(i)));
    }
    return new SessionPage(sessions, o.getString(CURSOR));
  }
}
