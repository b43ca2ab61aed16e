package dev.herald.heartbeat.api;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A presence session (docs/http-api.md): {@code {"sessionId", "userId", "meta", "connectedAt", "lastSeenAt"}}.
 *
 * @param userId      the user it belongs to, or {@code null} in open mode
 * @param meta        application data given at start (at most 4 KiB as JSON), never {@code null}
 * @param connectedAt epoch milliseconds of the {@code connect}
 * @param lastSeenAt  epoch milliseconds of the last sign of life
 */
public record Session(String sessionId, String userId, JsonObject meta, long connectedAt, long lastSeenAt) {

  public Session {
    meta = meta == null ? new JsonObject() : meta;
  }

  public Session seenAt(long now) {
    return new Session(sessionId, userId, meta, connectedAt, now);
  }

  public JsonObject toJson() {
    return new JsonObject().put("sessionId", sessionId).put("userId", userId).put("meta", meta)
        .put("connectedAt", Instant.ofEpochMilli(connectedAt).toString())
        .put("lastSeenAt", Instant.ofEpochMilli(lastSeenAt).toString());
  }

  public static Session fromJson(JsonObject o) {
    return new Session(o.getString("sessionId"), o.getString("userId"), o.getJsonObject("meta"),
        Instant.parse(o.getString("connectedAt")).toEpochMilli(),
        Instant.parse(o.getString("lastSeenAt")).toEpochMilli());
  }
}
