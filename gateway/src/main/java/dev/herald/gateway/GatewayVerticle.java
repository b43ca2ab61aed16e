package dev.herald.gateway;

import dev.herald.gateway.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Set;

/**
 * The HTTP edge (docs/http-api.md), deployed once per event loop; every instance listens on the same host and
 * port, so Vert.x spreads connections over the loops and a stream stays on its connection's loop.
 * Every error — validation, a failed event-bus call, an unknown route, a wrong method, a body over
 * {@code http.maxBodyBytes} — is answered as {@code application/problem+json}.
 *
 * <p>A node whose roles leave out {@code gateway} still serves {@code /health/*} and {@code /metrics}.
 */
public final class GatewayVerticle extends VerticleBase {
  /** Request lines hold up to 32 channels of 128 characters. */
  static final int MAX_REQUEST_LINE = 16 * 1024;

  private final Edge edge;
  private final int port;
  private HttpServer server;

  GatewayVerticle(Edge edge, int port) {
    this.edge = edge;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    HeraldConfig.Http http = edge.config().http();
    Router router = Router.router(vertx);
    Routes routes = new Routes(router, edge.registry(),
        BodyHandler.create(false).setBodyLimit(http.maxBodyBytes()).setMergeFormAttributes(false));
    cors(http.corsOrigins(), router);
    OpsRoutes ops = new OpsRoutes(vertx, edge);
    ops.mountHealth(routes);
    if (edge.servesApi()) {
      new StreamRoutes(edge).mount(routes);
      new ChannelRoutes(edge).mount(routes);
      new PresenceRoutes(edge).mount(routes);
      ops.mountConsole(routes);
    }
    router.route().failureHandler(this::onFailure);
    for (int status : new int[] {400, 403, 404, 405, 413, 500}) {
      router.errorHandler(status, this::onFailure);
    }
    // Strict thread mode: every response here is written on its connection's event loop (the routes run
    // there, streams are written by their loop), so Vert.x writes straight to the channel instead of
    // giving each connection an outbound message queue: that queue is a JCTools MPSC queue whose first
    // chunk alone is a 1024-slot array (~4.5 KiB per connection), the largest cost of an idle stream.
    // A write from another thread would fail loudly ("Only the context thread can write a message").
    // No WebSocket compression: Herald serves no WebSockets, and with it on every HTTP/1 connection's
    // pipeline carries an extension handler that each SSE write passes through.
    server = vertx.createHttpServer(new HttpServerOptions().setHost(http.host()).setPort(port)
            .setMaxInitialLineLength(MAX_REQUEST_LINE).setCompressionSupported(false)
            .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
            .setHandle100ContinueAutomatically(true).setStrictThreadMode(true))
        .requestHandler(router);
    return server.listen();
  }

  /** The port this instance listens on. */
  int actualPort() {
    return server.actualPort();
  }

  private void onFailure(RoutingContext ctx) {
    Problems.send(ctx, Problems.forFailure(ctx, edge.config().http().maxBodyBytes()));
  }

  private static void cors(List<String> origins, Router router) {
    if (origins.isEmpty()) {
      return;
    }
    CorsHandler cors = CorsHandler.create()
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
        .allowedHeaders(Set.of("Content-Type", "Last-Event-ID", "Idempotency-Key", "Authorization",
            "Cache-Control", "Herald-Session"))
        .exposedHeaders(Set.of("WWW-Authenticate", "Retry-After"))
        .maxAgeSeconds(600);
    if (!origins.contains("*")) {
      cors.addOrigins(origins).allowCredentials(true);
    }
    router.route().handler(cors);
  }
}
