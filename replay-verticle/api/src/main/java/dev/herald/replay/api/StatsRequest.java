package dev.herald.replay.api;

import io.vertx.core.json.JsonObject;

/**
 * The body of a {@code herald.history.stats} request: {@code {limit?}}, the busiest channels to list.
 *
 * @param limit 1 to {@value #MAX_LIMIT} ({@value #DEFAULT_LIMIT} when absent)
 */
public record StatsRequest(int limit) {
  public static final int DEFAULT_LIMIT = 10;
  public static final int MAX_LIMIT = 100;
  private static final String LIMIT = "limit";

  public JsonObject toJson() {
    return new JsonObject().put(LIMIT, limit);
  }

  /**
   * Reads a stats request; no body reads as the defaults.
   *
   * @throws io.vertx.core.eventbus.ReplyException {@link HistoryFailure#BAD_REQUEST} for a bad limit
   */
  public static StatsRequest fromJson(Object body) {
    JsonObject o = body instanceof JsonObject j ? j : new JsonObject();
    return new StatsRequest(Fields.intIn(o, LIMIT, DEFAULT_LIMIT, MAX_LIMIT));
  }
}
