package dev.herald.gateway;

import dev.herald.sse.api.SseStreams;
import dev.herald.sse.api.StreamRequest;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;

/**
 * The node's stream endpoint as the edge hands it out: a {@code HEAD} of a stream (validated as a {@code GET}
 * would be) is answered with the stream's status and headers and no stream (docs/http-api.md#edge); every
 * other call goes to the node's streams.
 */
final class HeadStreams implements SseStreams {
  private final SseStreams streams;

  private HeadStreams(SseStreams streams) {
    this.streams = streams;
  }

  /** {@code streams} answering {@code HEAD} itself, or {@code null} when the node has no streams. */
  static SseStreams wrap(SseStreams streams) {
    return streams == null || streams instanceof HeadStreams ? streams : new HeadStreams(streams);
  }

  @Override
  public void open(HttpServerRequest request, StreamRequest stream) {
    if (!head(request)) {
      streams.open(request, stream);
    }
  }

  @Override
  public void openTopic(HttpServerRequest request, Map<String, String> events, long expiresAt) {
    if (!head(request)) {
      streams.openTopic(request, events, expiresAt);
    }
  }

  private static boolean head(HttpServerRequest request) {
    if (request.method() != HttpMethod.HEAD) {
      return false;
    }
    request.response().setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache, no-transform")
        .putHeader("X-Accel-Buffering", "no").end();
    return true;
  }

  @Override
  public int openStreams() {
    return streams.openStreams();
  }

  @Override
  public Future<Void> drain(Duration window, Duration retry) {
    return streams.drain(window, retry);
  }
}
