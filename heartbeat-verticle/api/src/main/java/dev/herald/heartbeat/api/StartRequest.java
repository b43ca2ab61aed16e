package dev.herald.heartbeat.api;

import io.vertx.core.json.JsonObject;

/**
 * The body of a {@code herald.heartbeat.start} request:
 * {@code {sessionId?, userId?, meta?, client?, maxPerClient?}}.
 *
 * @param sessionId    the id to use, or {@code null} to have one made (128 random bits)
 * @param userId       the owner (1 to {@value #MAX_USER_ID} characters), or {@code null}
 * @param meta         application data (at most {@value PresenceOptions#MAX_META_BYTES} bytes as JSON), or {@code null}
 * @param client       whom the session counts against for {@code maxPerClient} (the gateway names the token's
 *                     user or the client address; 1 to {@value #MAX_CLIENT} characters), or {@code null}
 * @param maxPerClient the sessions {@code client} may hold at most; 0 for no bound
 */
public record StartRequest(String sessionId, String userId, JsonObject meta, String client, int maxPerClient) {
  /** Longest accepted user id. */
  public static final int MAX_USER_ID = 256;
  /** Longest accepted client name. */
  public static final int MAX_CLIENT = 300;
  private static final String USER_ID = "userId";
  private static final String META = "meta";
  private static final String CLIENT = "client";
  private static final String MAX_PER_CLIENT = "maxPerClient";

  /** A start counted against no client. */
  public StartRequest(String sessionId, String userId, JsonObject meta) {
    this(sessionId, userId, meta, null, 0);
  }

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
    if (client != null && maxPerClient > 0) {
      o.put(CLIENT, client).put(MAX_PER_CLIENT, maxPerClient);
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
    return new StartRequest(Fields.optionalSessionId(o, Fields.SESSION_ID), userId(o), meta(o), Fields.client(o),
        maxPerClient(o));
  }

  private static int maxPerClient(JsonObject body) {
    Object v = body.getValue(MAX_PER_CLIENT);
    if (v == null) {
      return 0;
    }
    boolean integral = v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte;
    if (!integral || ((Number) v).longValue() < 0 || ((Number) v).longValue() > Integer.MAX_VALUE) {
      throw Fields.bad("maxPerClient must be a whole number, 0 for no bound");
    }
    return ((Number) v).intValue();
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
