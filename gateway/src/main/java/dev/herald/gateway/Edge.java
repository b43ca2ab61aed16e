package dev.herald.gateway;

import dev.herald.gateway.config.HeraldConfig;
import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.replay.api.HistoryClient;
import dev.herald.sse.api.SseStreams;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * What every {@link GatewayVerticle} instance of a node shares: the configuration, the typed
 * event-bus clients, the node's stream endpoint and metrics, and the console files.
 *
 * @param streams          the node's stream endpoint (answering {@code HEAD} itself: {@link HeadStreams}), or
 *                         {@code null} when this node does not run the sse role
 * @param readinessAddress the node-local address {@link ReadinessVerticle} answers on
 * @param web              the console page and the browser client's files
 * @param drain            whether the node is draining (readiness answers 503 at once)
 * @param connections      the node's HTTP connections, counted against {@code http.maxConnections}
 * @param guard            the access layer: who may do what, and whose sessions are whose
 */
record Edge(HeraldConfig config, String nodeId, PresenceClient presence, HistoryClient history, SseStreams streams,
            PrometheusMeterRegistry registry, String readinessAddress, WebFiles web, Drain drain,
            Connections connections, Guard guard) {

  Edge {
    streams = HeadStreams.wrap(streams);
  }

  /** Event-bus request timeout of the gateway's calls to the other verticles. */
  static final long BUS_TIMEOUT_MS = 5_000;

  /** The security headers of the node's answers (the console's policy is computed from its page). */
  SecurityHeaders securityHeaders() {
    return new SecurityHeaders(web.page());
  }

  boolean servesApi() {
    return config.runs(HeraldConfig.Role.GATEWAY);
  }
}
