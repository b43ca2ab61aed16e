package dev.herald.replay.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a {@code herald.history.heads} request: {@code {channels: [...]}}, 1 to {@value #MAX_CHANNELS}
 * channel names.
 */
public record HeadsRequest(List<String> channels) {
  /** Channels one request may name. */
  public static final int MAX_CHANNELS = 1000;
  private static final String CHANNELS = "channels";

  public JsonObject toJson() {
    return new JsonObject().put(CHANNELS, new JsonArray(new ArrayList<>(channels)));
  }

  /**
   * Reads and checks a heads request.
   *
   * @throws io.vertx.core.eventbus.ReplyException {@link HistoryFailure#BAD_REQUEST}, naming the problem
   */
  public static HeadsRequest fromJson(Object body) {
    if (!(body instanceof JsonObject o) || !(o.getValue(CHANNELS) instanceof JsonArray a)) {
      throw Fields.bad("the heads message must be a JSON object with a channels array");
    }
    List<Object> channels = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      channels.add(a.getValue(i));
    }
    return checked(channels);
  }

  /**
   * This request checked as {@link #fromJson} checks one: what a node's replay verticle reads when it is called
   * directly (dev.herald.bus.LocalServices).
   *
   * @throws io.vertx.core.eventbus.ReplyException {@link HistoryFailure#BAD_REQUEST}, naming the problem
   */
  public HeadsRequest checked() {
    return checked(channels);
  }

  private static HeadsRequest checked(List<?> names) {
    if (names.isEmpty() || names.size() > MAX_CHANNELS) {
      throw Fields.bad("channels must name 1 to " + MAX_CHANNELS + " channels");
    }
    List<String> channels = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      Object ch = names.get(i);
      String problem = ch instanceof String s ? Names.channelProblem(s) : "channels[" + i + "] must be a string";
      if (problem != null) {
        throw Fields.bad("channels[" + i + "]: " + problem);
      }
      channels.add((String) ch);
    }
    return new HeadsRequest(channels);
  }
}
