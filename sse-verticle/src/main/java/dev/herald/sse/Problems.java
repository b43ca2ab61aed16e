package dev.herald.sse;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** RFC 9457 problem answers the stream endpoint gives itself (before a stream starts). */
final class Problems {
  static final String TOO_MANY_STREAMS = "urn:herald:problem:too-many-streams";
  static final String UNAVAILABLE = "urn:herald:problem:unavailable";
  static final String INVALID_STREAM = "urn:herald:problem:invalid-stream";

  private Problems() {
  }

  static void send(HttpServerResponse response, int status, String type, String title, String detail) {
    if (response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    String body = new JsonObject().put("type", type).put("title", title).put("status", status)
        .put("detail", detail).encode();
    response.setStatusCode(status).putHeader("Content-Type", "application/problem+json")
        .putHeader("Cache-Control", "no-store").end(body);
  }
}
