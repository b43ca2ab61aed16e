package dev.herald.heartbeat.api;

import io.vertx.core.json.JsonObject;

/**
 * The body of a {@code herald.heartbeat.start} request: {@code {sessionId?, userId?, meta?}}.
 *
 * @param sessionId the id to use, or {@code null} to have one made (128 random bits)
 * @param userId    the owner (1 to {@value #MAX_USER_ID} characters), or {@code null}
 * @param meta      application data (at most {@value PresenceOptions#MAX_META_BYTES} bytes as JSON), or {@code null}
 */
public record StartRequest(String sessionId, String userId, JsonObject meta) {
  /** Longest accepted user id. */
  public static final int MAX_USER_ID = 256;
  private static final String USER_ID = "userId";
  private static final String META = "meta";

  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    if (sessionId != null) {
      o.put(Fields.SESSION_ID, sessionId);
    }
    if (userId != null) {
      o.put(USER_ID, userId);
    }
    if (meta != null) {
      o.put(META, meta);
    }
    return o;
  }

  /**
   * Reads and checks a start request.
   *
   * @throws io.vertx.core.eventbus.ReplyException {@link PresenceFailure#BAD_REQUEST} naming the member, or
   *     {@link PresenceFailure#TOO_LARGE} for meta over the bound
   */
  public static StartRequest fromJson(Object body) {
    JsonObject o = Fields.object(body);
    return new StartRequest(Fields.optionalSessionId(o, Fields.SESSION_ID), userId(o), meta(o));
  }

  private static String userId(JsonObject body) {
    Object v = body.getValue(USER_ID);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isEmpty() || s.length() > MAX_USER_ID) {
      throw Fields.bad("userId must be a string of 1-" + MAX_USER_ID + " characters");
    }
    return s;
  }

  private static JsonObject meta(JsonObject body) {
    Object v = body.getValue(META);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject meta)) {
      throw Fields.bad("meta must be a JSON object");
    }
    int bytes;
    try {
      bytes = meta.toBuffer().length();
    } catch (RuntimeException e) {
      throw Fields.bad("meta must be a JSON object");
    }
    if (bytes > PresenceOptions.MAX_META_BYTES) {
      throw Fields.failure(PresenceFailure.TOO_LARGE,
          "meta is " + bytes + " bytes as JSON, more than " + PresenceOptions.MAX_META_BYTES);
    }
    return meta;
  }
}
