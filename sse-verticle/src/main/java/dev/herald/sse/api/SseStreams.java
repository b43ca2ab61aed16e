package dev.herald.sse.api;

import io.vertx.core.http.HttpServerRequest;
import java.util.Map;

/**
 * The node's stream endpoint, handed by the sse verticle to the gateway. A stream is an HTTP
 * response and so cannot cross the event bus: the gateway validates the request and hands the
 * connection here, on the connection's own event loop, where it stays for its whole life.
 */
public interface SseStreams {

  /**
   * Opens a channel stream on {@code request}'s connection: subscribes, answers 200 with the first bytes
   * once live delivery is in place, replays what the client missed, then goes live. Must be called on
   * the request's event loop. Answers 503 problem+json itself when {@code sse.maxStreams} is reached.
   */
  void open(HttpServerRequest request, StreamRequest stream);

  /**
   * Opens a stream that relays event-bus messages (JSON bodies) as SSE events without ids: for each
   * address in {@code events}, the event name its messages get. Used for the presence stream.
   */
  void openTopic(HttpServerRequest request, Map<String, String> events);

  /** Streams open on this node now. */
  int openStreams();
}
