package dev.herald.sse.api;

import io.vertx.core.json.JsonObject;

/**
 * A stream that closed, as published on {@link SseAddresses#disconnect()}: the {@link StreamInfo} JSON
 * plus {@code reason} (see {@link StreamListener#closed}).
 */
public record StreamClosed(StreamInfo stream, String reason) {
  private static final String REASON = "reason";

  public JsonObject toJson() {
    return stream.toJson().put(REASON, reason);
  }

  public static StreamClosed fromJson(JsonObject o) {
    return new StreamClosed(StreamInfo.fromJson(o), o.getString(REASON));
  }
}
