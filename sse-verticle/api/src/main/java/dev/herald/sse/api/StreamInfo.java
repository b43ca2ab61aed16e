package dev.herald.sse.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What is known of an open stream, as published on {@link SseAddresses#connect()} and given to a
 * {@link StreamListener}: {@code {streamId, node, channels, sessionId, userId, remoteAddress, openedAt}}
 * ({@code openedAt} ISO-8601 UTC).
 */
public record StreamInfo(String streamId, String node, List<String> channels, String sessionId, String userId,
                         String remoteAddress, long openedAt) {
  private static final String STREAM_ID = "streamId";
  private static final String NODE = "node";
  private static final String CHANNELS = "channels";
  private static final String SESSION_ID = "sessionId";
  private static final String USER_ID = "userId";
  private static final String REMOTE_ADDRESS = "remoteAddress";
  private static final String OPENED_AT = "openedAt";

  public JsonObject toJson() {
    return new JsonObject().put(STREAM_ID, streamId).put(NODE, node).put(CHANNELS, new JsonArray(channels))
        .put(SESSION_ID, sessionId).put(USER_ID, userId).put(REMOTE_ADDRESS, remoteAddress)
        .put(OPENED_AT, Instant.ofEpochMilli(openedAt).toString());
  }

  public static StreamInfo fromJson(JsonObject o) {
    JsonArray a = o.getJsonArray(CHANNELS);
    List<String> channels = new ArrayList<>(a.size());
    a.forEach(c -> channels.add((String) c));
    return new StreamInfo(o.getString(STREAM_ID), o.getString(NODE), channels, o.getString(SESSION_ID),
        o.getString(USER_ID), o.getString(REMOTE_ADDRESS), Instant.parse(o.getString(OPENED_AT)).toEpochMilli());
  }
}
