package dev.herald.heartbeat.api;

import io.vertx.core.json.JsonObject;

/**
 * A presence event as published on {@link PresenceAddresses#event(Type)}: the session's JSON, plus
 * {@code "reason"} ({@code timeout} or {@code stop}) for a disconnect.
 */
public record PresenceEvent(Type type, Session session, String reason) {

  public enum Type {
    CONNECT("connect"), RECONNECT("reconnect"), DISCONNECT("disconnect");

    private final String wire;

    Type(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  public static final String REASON_TIMEOUT = "timeout";
  public static final String REASON_STOP = "stop";

  public JsonObject toJson() {
    JsonObject o = session.toJson();
    if (reason != null) {
      o.put("reason", reason);
    }
    return o;
  }

  public static PresenceEvent fromJson(Type type, JsonObject o) {
    return new PresenceEvent(type, Session.fromJson(o), o.getString("reason"));
  }
}
