package dev.herald.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Set;

/**
 * Declares routes on a router so that each answer is counted in {@code herald.http.requests}
 * (tags {@code method}, {@code route} — the route's template, never the raw path or query, so never a
 * token — and {@code status}), and so that each route states its access {@link Guard.Rule}, which runs
 * before it.
 */
final class Routes {
  private static final String ROUTE_KEY = "herald.route";
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

  private final Router router;
  private final MeterRegistry registry;
  private final BodyHandler body;
  private final Guard guard;

  /**
   * @param body  reads the bodies of POST routes (within {@code http.maxBodyBytes})
   * @param guard applies each route's access rule
   */
  Routes(Router router, MeterRegistry registry, BodyHandler body, Guard guard) {
    this.router = router;
    this.registry = registry;
    this.body = body;
    this.guard = guard;
    router.route().handler(ctx -> {
      ctx.addHeadersEndHandler(v -> count(ctx));
      if (!wellEscaped(ctx.request().path())) {
        ctx.fail(Problem.badRequest("invalid-path", "the path is malformed (bad percent-encoding); encode each "
            + "segment with encodeURIComponent"));
        return;
      }
      try {
        ctx.request().params();
      } catch (IllegalArgumentException e) {
        // decoded here once, before route matching would fail on it as an internal error
        ctx.fail(Problem.invalidQuery("the query string is malformed (bad percent-encoding); encode each value "
            + "with encodeURIComponent"));
        return;
      }
      ctx.next();
    });
  }

  /** True when every {@code %} of {@code path} starts a two-digit hex escape. */
  static boolean wellEscaped(String path) {
    if (path == null) {
      return false;
    }
    for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
      if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0
          || Character.digit(path.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  Router router() {
    return router;
  }

  /** A GET route that runs once {@code rule} let the request through. */
  Route get(String path, Guard.Rule rule) {
    return guarded(tagged(router.route(HttpMethod.GET, path), path), rule);
  }

  /** A POST route; its body is read first (a body over the limit is a 413), then {@code rule} applies. */
  Route post(String path, Guard.Rule rule) {
    return guarded(tagged(router.route(HttpMethod.POST, path).handler(body), path), rule);
  }

  private Route guarded(Route route, Guard.Rule rule) {
    Handler<RoutingContext> check = guard.handler(rule);
    return check == null ? route : route.handler(check);
  }

  private static Route tagged(Route route, String path) {
    return route.handler(ctx -> {
      ctx.put(ROUTE_KEY, path);
      ctx.next();
    });
  }

  private void count(RoutingContext ctx) {
    String method = ctx.request().method().name();
    String route = ctx.get(ROUTE_KEY, "unmatched");
    Counter.builder("herald.http.requests").description("HTTP requests answered, by route template and status")
        .tag("method", METHODS.contains(method) ? method : "OTHER").tag("route", route)
        .tag("status", Integer.toString(ctx.response().getStatusCode()))
        .register(registry).increment();
  }
}
