package dev.herald.sse.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What is known of an open stream, as published on {@link SseAddresses#connect()} and
 * {@link SseAddresses#disconnect()} and given to a {@link StreamListener}.
 */
public record StreamInfo(String streamId, String node, List<String> channels, String sessionId, String userId,
                         String remoteAddress, long openedAt) {

  public JsonObject toJson() {
    return new JsonObject().put("streamId", streamId).put("node", node).put("channels", new JsonArray(channels))
        .put("sessionId", sessionId).put("userId", userId).put("remoteAddress", remoteAddress)
        .put("openedAt", java.time.Instant.ofEpochMilli(openedAt).toString());
  }
}
