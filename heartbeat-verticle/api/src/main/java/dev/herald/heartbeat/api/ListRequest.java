package dev.herald.heartbeat.api;

import io.vertx.core.json.JsonObject;

/**
 * The body of a {@code herald.sessions.list} request: {@code {cursor?, limit?}}.
 *
 * @param cursor where the page starts (the previous page's {@link SessionPage#cursor()}), or {@code null}
 * @param limit  1 to {@value #MAX_LIMIT} sessions ({@value #DEFAULT_LIMIT} when absent)
 */
public record ListRequest(String cursor, int limit) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
  private static final String CURSOR = "cursor";
  private static final String LIMIT = "limit";

  public JsonObject toJson() {
    JsonObject o = new JsonObject().put(LIMIT, limit);
    if (cursor != null) {
      o.put(CURSOR, cursor);
    }
    return o;
  }

  /**
   * Reads and checks a list request.
   *
   * @throws io.vertx.core.eventbus.ReplyException {@link PresenceFailure#BAD_REQUEST} naming the member
   */
  public static ListRequest fromJson(Object body) {
    JsonObject o = Fields.object(body);
    return new ListRequest(Fields.optionalSessionId(o, CURSOR), limit(o));
  }

  private static int limit(JsonObject body) {
    Object v = body.getValue(LIMIT);
    if (v == null) {
      return DEFAULT_LIMIT;
    }
    boolean integral = v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte;
    if (!integral || ((Number) v).longValue() < 1 || ((Number) v).longValue() > MAX_LIMIT) {
      throw Fields.bad("limit must be an integer from 1 to " + MAX_LIMIT);
    }
    return ((Number) v).intValue();
  }
}
