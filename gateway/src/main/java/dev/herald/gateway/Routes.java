package dev.herald.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
  private final Map<String, Declared> declared = new LinkedHashMap<>();

  private record Declared(Pattern pattern, Set<String> methods) {
  }

  /** A method, route template and status: a few dozen combinations (methods outside the set count as OTHER). */
  private record CounterKey(String method, String route, int status) {
  }

  private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

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
      ctx.next();
    });
  }

  Router router() {
    return router;
  }

  /** A GET route, which answers HEAD too (without the body), and runs once {@code rule} let the request through. */
  Route get(String path, Guard.Rule rule) {
    declare(path, HttpMethod.GET, HttpMethod.HEAD);
    return guarded(tagged(router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD), path), rule);
  }

  /**
   * A POST route; the body's media type is checked first ({@code 415}), then it is read (a body over the limit
   * is a {@code 413}) and checked to be UTF-8 ({@code 400}): {@link EdgeRules}; then {@code rule} applies.
   */
  Route post(String path, Guard.Rule rule) {
    declare(path, HttpMethod.POST);
    return guarded(tagged(router.route(HttpMethod.POST, path).handler(EdgeRules.mediaType(path)).handler(body)
        .handler(EdgeRules.utf8(path)), path), rule);
  }

  private Route guarded(Route route, Guard.Rule rule) {
    Handler<RoutingContext> check = guard.handler(rule);
    return check == null ? route : route.handler(check);
  }

  private void declare(String path, HttpMethod... methods) {
    Pattern pattern = Pattern.compile(Arrays.stream(path.split("/", -1))
        .map(part -> part.startsWith(":") ? "[^/]+" : Pattern.quote(part)).collect(Collectors.joining("/")));
    for (HttpMethod m : methods) {
      declared.computeIfAbsent(pattern.pattern(), k -> new Declared(pattern, new TreeSet<>())).methods.add(m.name());
    }
  }

  /** The methods the routes at {@code path} take, for the {@code Allow} header of a {@code 405}. */
  String allowed(String path) {
    Set<String> methods = new TreeSet<>();
    for (Declared d : declared.values()) {
      if (path != null && d.pattern.matcher(path).matches()) {
        methods.addAll(d.methods);
      }
    }
    return String.join(", ", methods);
  }

  private static Route tagged(Route route, String path) {
    return route.handler(ctx -> {
      ctx.put(ROUTE_KEY, path);
      ctx.next();
    });
  }

  private void count(RoutingContext ctx) {
    String method = METHODS.contains(ctx.request().method().name()) ? ctx.request().method().name() : "OTHER";
    String route = ctx.get(ROUTE_KEY, "unmatched");
    int status = ctx.response().getStatusCode();
    // one lookup per answer; the builder and the registry's own lookup only for a combination not seen yet
    counters.computeIfAbsent(new CounterKey(method, route, status), k -> counter(registry, method, route, status))
        .increment();
  }

  /**
   * {@code herald.http.requests} for one combination; {@code method} one of {@link #METHODS} or {@code OTHER},
   * {@code route} a template, {@code unmatched} or {@code unreadable}.
   */
  static Counter counter(MeterRegistry registry, String method, String route, int status) {
    return Counter.builder("herald.http.requests").description("HTTP requests answered, by route template and status")
        .tag("method", method).tag("route", route)
        .tag("status", Integer.toString(status))
        .register(registry);
  }
}
