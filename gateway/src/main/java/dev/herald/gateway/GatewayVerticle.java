package dev.herald.gateway;

import dev.herald.gateway.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The HTTP edge (docs/http-api.md), deployed once per event loop; every instance listens on the same host and
 * port, so Vert.x spreads connections over the loops and a stream stays on its connection's loop.
 * Every error — validation, a failed event-bus call, an unknown route, a wrong method, a body over
 * {@code http.maxBodyBytes}, a request the HTTP layer could not read — is answered as
 * {@code application/problem+json}; the edge's own rules are {@link EdgeRules}, {@link ConnectionGuard} and
 * {@link Cors}.
 *
 * <p>A node whose roles leave out {@code gateway} still serves {@code /health/*} and {@code /metrics}.
 */
public final class GatewayVerticle extends VerticleBase {
  private final Edge edge;
  private final int port;
  private HttpServer server;
  private Routes routes;
  private ConnectionGuard connections;

  GatewayVerticle(Edge edge, int port) {
    this.edge = edge;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    HeraldConfig.Http http = edge.config().http();
    // Strict thread mode: every response here is written on its connection's event loop (the routes run
    // there, streams are written by their loop), so Vert.x writes straight to the channel instead of
    // giving each connection an outbound message queue: that queue is a JCTools MPSC queue whose first
    // chunk alone is a 1024-slot array (~4.5 KiB per connection), the largest cost of an idle stream.
    // A write from another thread would fail loudly ("Only the context thread can write a message").
    // No WebSocket compression: Herald serves no WebSockets, and with it on every HTTP/1 connection's
    // pipeline carries an extension handler that each SSE write passes through.
    // HTTP/1.1 only: no h2c (HTTP/2 over cleartext, which browsers never speak; an "Upgrade: h2c" through a
    // proxy is a known way around the proxy's rules), so every connection has its HTTP/1.x pipeline from the
    // start and the connection handler sees it before a byte is read (WireAdapter.installStrictDecoder).
    HttpServerOptions options = new HttpServerOptions().setHost(http.host()).setPort(port)
        .setMaxInitialLineLength(EdgeProblems.MAX_REQUEST_LINE).setMaxHeaderSize(EdgeProblems.MAX_HEADERS)
        .setHttp2ClearTextEnabled(false).setCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
        .setHandle100ContinueAutomatically(true).setStrictThreadMode(true);
    connections = new ConnectionGuard(vertx, edge.connections(), options);
    Router router = Router.router(vertx);
    routes = new Routes(router, edge.registry(),
        BodyHandler.create(false).setBodyLimit(http.maxBodyBytes()).setMergeFormAttributes(false), edge.guard());
    router.route().handler(new EdgeRules(connections, edge.securityHeaders()));
    router.route().handler(Cors.of(http.corsOrigins()));
    OpsRoutes ops = new OpsRoutes(vertx, edge);
    ops.mountHealth(routes);
    if (edge.servesApi()) {
      new StreamRoutes(edge).mount(routes);
      new ChannelRoutes(edge).mount(routes);
      new PresenceRoutes(edge).mount(routes);
      ops.mountConsole(routes);
    }
    router.route().failureHandler(this::onFailure);
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 429, 500}) {
      router.errorHandler(status, this::onFailure);
    }
    server = vertx.createHttpServer(options)
        .connectionHandler(connections::connected)
        .invalidRequestHandler(request -> EdgeProblems.unreadable(request, edge.connections()))
        .requestHandler(router);
    return server.listen();
  }

  /** The port this instance listens on. */
  int actualPort() {
    return server.actualPort();
  }

  /** This instance's router (tests: every route is in the OpenAPI document). */
  Router router() {
    return routes.router();
  }

  private void onFailure(RoutingContext ctx) {
    Problem problem = Problems.forFailure(ctx, edge.config().http().maxBodyBytes());
    if (problem.status() == 405) {
      ctx.response().putHeader(HttpHeaders.ALLOW, routes.allowed(ctx.request().path()));
    }
    Problems.send(ctx, problem);
  }
}
