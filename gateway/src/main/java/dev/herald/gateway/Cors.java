package dev.herald.gateway;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Set;

/**
 * CORS (docs/http-api.md#access): the origins of {@code http.cors.origins} may call Herald from a browser — a
 * named origin with credentials (cookies), {@code *} without — and Herald's own origin always may, whatever
 * the list says: a request whose {@code Origin} is the origin it was sent to (its {@code Host}) is not a
 * cross-origin request. Preflights allow the request headers Herald's features read.
 */
final class Cors implements Handler<RoutingContext> {
  /** Request headers a page may send: JSON bodies, tokens, the session credential, resume and idempotency. */
  static final Set<String> ALLOWED_HEADERS = Set.of("Content-Type", "Authorization", Guard.SESSION_HEADER,
      "Last-Event-ID", "Idempotency-Key", "Cache-Control");
  /** Response headers a page may read besides the CORS-safelisted ones. */
  static final Set<String> EXPOSED_HEADERS = Set.of("Retry-After", "WWW-Authenticate", "Allow");

  private final CorsHandler cors;

  private Cors(CorsHandler cors) {
    this.cors = cors;
  }

  /** The CORS handler of {@code origins} ({@code http.cors.origins}); with none, cross-origin calls get no CORS headers. */
  static Cors of(List<String> origins) {
    if (origins.isEmpty()) {
      return new Cors(null);
    }
    CorsHandler cors = CorsHandler.create()
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.OPTIONS))
        .allowedHeaders(ALLOWED_HEADERS).exposedHeaders(EXPOSED_HEADERS).maxAgeSeconds(600);
    if (!origins.contains("*")) {
      cors.addOrigins(origins).allowCredentials(true);
    }
    return new Cors(cors);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    if (cors == null || origin == null || sameOrigin(origin, ctx.request())) {
      ctx.next();
    } else {
      cors.handle(ctx);
    }
  }

  /**
   * True when {@code origin} names the host and port the request was sent to ({@code Host}); a {@code Host}
   * without a port has the origin's scheme's default (a proxy in front may end TLS).
   */
  static boolean sameOrigin(String origin, HttpServerRequest request) {
    HostAndPort to = request.authority();
    if (to == null || to.host() == null) {
      return false;
    }
    URI from;
    try {
      from = new URI(origin);
    } catch (URISyntaxException e) {
      return false;
    }
    if (from.getHost() == null || from.getScheme() == null || from.getRawPath() != null && !from.getRawPath().isEmpty()) {
      return false;
    }
    int toPort = to.port() >= 0 ? to.port() : port(from);
    return bare(from.getHost()).equalsIgnoreCase(bare(to.host())) && port(from) == toPort;
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }
}
