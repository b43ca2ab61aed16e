package dev.herald.replay.api;

import io.vertx.core.json.JsonObject;

/**
 * The body of a {@code herald.history} request: {@code {channel, after?, limit?, raw?}}.
 *
 * @param channel the channel to read
 * @param after   an event id (any cursor covering the channel), or {@code null} to read from the oldest
 *                retained event
 * @param limit   1 to {@value #MAX_LIMIT} events ({@value #DEFAULT_LIMIT} when absent)
 * @param raw     true to get each event's data as JSON text ({@code rawData}) rather than as a JSON value
 */
public record HistoryRequest(String channel, String after, int limit, boolean raw) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  private static final String CHANNEL = "channel";
  private static final String AFTER = "after";
  private static final String LIMIT = "limit";
  private static final String RAW = "raw";

  public JsonObject toJson() {
    JsonObject o = new JsonObject().put(CHANNEL, channel).put(LIMIT, limit);
    if (after != null) {
      o.put(AFTER, after);
    }
    if (raw) {
      o.put(RAW, true);
    }
    return o;
  }

  /**
   * Reads and checks a history request.
   *
   * @throws io.vertx.core.eventbus.ReplyException {@link HistoryFailure#BAD_REQUEST}, naming the member
   */
  public static HistoryRequest fromJson(Object body) {
    if (!(body instanceof JsonObject o)) {
      throw Fields.bad("the history message must be a JSON object");
    }
    Object ch = o.getValue(CHANNEL);
    String channel = ch instanceof String s ? s : null;
    String problem = ch == null || ch instanceof String ? Names.channelProblem(channel) : "the channel must be a string";
    if (problem != null) {
      throw Fields.bad(problem);
    }
    Object after = o.getValue(AFTER);
    if (after != null && !(after instanceof String)) {
      throw Fields.bad("after is not a Herald event id");
    }
    int limit = Fields.intIn(o, LIMIT, DEFAULT_LIMIT, MAX_LIMIT);
    return new HistoryRequest(channel, (String) after, limit, Fields.flag(o, RAW));
  }

  /**
   * This request checked as {@link #fromJson} checks one (the channel's name, the limit): what a node's replay
   * verticle reads when it is called directly (dev.herald.bus.LocalServices).
   *
   * @throws io.vertx.core.eventbus.ReplyException {@link HistoryFailure#BAD_REQUEST}, naming the problem
   */
  public HistoryRequest checked() {
    String problem = Names.channelProblem(channel);
    if (problem != null) {
      throw Fields.bad(problem);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw Fields.bad(LIMIT + " must be an integer from 1 to " + MAX_LIMIT);
    }
    return this;
  }

  /**
   * Where the read starts in this channel: {@code null} for the oldest retained event.
   *
   * @throws io.vertx.core.eventbus.ReplyException {@link HistoryFailure#BAD_REQUEST} when {@code after} is not
   *     an event id or does not cover the channel
   */
  public Cursor.Position position() {
    if (after == null) {
      return null;
    }
    Cursor cursor;
    try {
      cursor = Cursor.decode(after);
    } catch (IllegalArgumentException e) {
      throw Fields.bad("after is not a Herald event id");
    }
    Cursor.Position p = cursor.find(channel);
    if (p == null) {
      throw Fields.bad("after does not cover channel " + channel);
    }
    return p;
  }
}
