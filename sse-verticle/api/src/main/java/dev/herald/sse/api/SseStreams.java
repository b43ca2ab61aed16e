package dev.herald.sse.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
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
  default void openTopic(HttpServerRequest request, Map<String, String> events) {
    openTopic(request, events, 0);
  }

  /**
   * {@link #openTopic(HttpServerRequest, Map)} for a caller whose token stops being accepted at
   * {@code expiresAt} (epoch ms; 0 for never): the stream then ends with a last event {@code herald.expired}.
   */
  void openTopic(HttpServerRequest request, Map<String, String> events, long expiresAt);

  /**
   * Streams open on this node for clients: Herald's own (on reserved {@code herald.*} channels only, such
   * as the readiness canary) are not counted.
   */
  int openStreams();

  /**
   * Drains the node's streams (a node leaving the cluster): from now on a new stream is answered
   * {@code 200} with a short {@code retry:} and ended at once (a {@code 503} would stop a browser's
   * {@code EventSource} for good), so its client reconnects, through the load balancer, to another node;
   * every open stream is sent {@code retry: <retry + jitter>} (a random jitter of up to {@code retry} again)
   * and then ended, the closes spread evenly over {@code window} (all at once when it is zero), so their
   * clients reconnect to other nodes a moment later, not all together, and resume from their last id. A
   * stream still opening gets the same {@code 200} with that {@code retry:} and ends. Closes are announced
   * with the reason {@code drain}. Completes once every stream is closed. May be called from any thread.
   */
  Future<Void> drain(Duration window, Duration retry);
}
