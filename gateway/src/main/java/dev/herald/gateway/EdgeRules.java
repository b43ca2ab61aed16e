package dev.herald.gateway;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * What every request passes before its route (docs/http-api.md#edge): its connection's accounting, the
 * response's security headers, a request line and length that can be read unambiguously, at most
 * {@value #MAX_QUERY_PARAMETERS} query parameters (none is ever dropped); and for POST routes, the media type
 * ({@code 415}) and a body of valid UTF-8.
 */
final class EdgeRules implements Handler<RoutingContext> {
  /** Query parameters a request may carry (Vert.x decodes this many and would drop the rest). */
  static final int MAX_QUERY_PARAMETERS = 1024;
  /** POST routes whose body is ignored, so they take {@code text/plain} too: {@code navigator.sendBeacon}'s stop. */
  static final Set<String> BODY_IGNORED = Set.of("/v1/heartbeat/stop");

  private final ConnectionGuard guard;
  private final SecurityHeaders headers;

  EdgeRules(ConnectionGuard guard, SecurityHeaders headers) {
    this.guard = guard;
    this.headers = headers;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!guard.started(ctx)) {
      EdgeProblems.refuseAndClose(ctx, EdgeProblems.tooManyConnections());
      return;
    }
    ctx.addHeadersEndHandler(v -> headers.apply(ctx.response()));
    MultiMap h = ctx.request().headers();
    if (h.contains(HttpHeaders.CONTENT_LENGTH) && h.contains(HttpHeaders.TRANSFER_ENCODING)) {
      EdgeProblems.refuseAndClose(ctx, EdgeProblems.ambiguousLength());
      return;
    }
    if (!wellEscaped(ctx.request().path())) {
      ctx.fail(Problem.badRequest("invalid-path", "the path is malformed (bad percent-encoding); encode each "
          + "segment with encodeURIComponent"));
      return;
    }
    int parameters = parameters(ctx.request().query());
    if (parameters > MAX_QUERY_PARAMETERS) {
      ctx.fail(Problem.badRequest("too-many-parameters", "the query has " + parameters + " parameters; at most "
          + MAX_QUERY_PARAMETERS + " are read"));
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

  /** The non-empty {@code &}- or {@code ;}-separated parts of a query: at least as many as Vert.x decodes. */
  static int parameters(String query) {
    if (query == null || query.isEmpty()) {
      return 0;
    }
    int n = 0;
    int start = 0;
    for (int i = 0; i <= query.length(); i++) {
      if (i == query.length() || query.charAt(i) == '&' || query.charAt(i) == ';') {
        if (i > start) {
          n++;
        }
        start = i + 1;
      }
    }
    return n;
  }

  /**
   * Refuses a POST whose body is not JSON with {@code 415}, before it is read: a body (or a Content-Type) must
   * be {@code application/json} in UTF-8, so no cross-site form can post; a route whose body is ignored also
   * takes {@code text/plain} and no Content-Type at all (what {@code navigator.sendBeacon} sends).
   */
  static SecurityPolicyHandler mediaType(String path) {
    boolean ignored = BODY_IGNORED.contains(path);
    // a security policy to Vert.x Web, which runs those before the body handler
    return ctx -> {
      String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
      if (type == null ? ignored || !hasBody(ctx.request().headers()) : accepted(type, ignored)) {
        ctx.next();
        return;
      }
      ctx.fail(new Problem(415, "unsupported-media-type", "Unsupported media type", (type == null
          ? "the request has a body but no Content-Type" : "the Content-Type is " + Publishing.printable(type))
          + "; send the body as Content-Type: application/json (UTF-8)" + (ignored ? ", text/plain or none" : "")));
    };
  }

  /** True when a request with these headers has a body (a length above zero, or chunks). */
  static boolean hasBody(MultiMap headers) {
    String length = headers.get(HttpHeaders.CONTENT_LENGTH);
    return headers.contains(HttpHeaders.TRANSFER_ENCODING) || length != null && !length.trim().equals("0");
  }

  private static boolean accepted(String contentType, boolean textToo) {
    String[] parts = contentType.split(";");
    String type = parts[0].trim().toLowerCase(Locale.ROOT);
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim().toLowerCase(Locale.ROOT);
      if (p.startsWith("charset=") && !p.substring(8).replace("\"", "").equals("utf-8")) {
        return false;
      }
    }
    return type.equals("application/json") || textToo && type.equals("text/plain");
  }

  /** Refuses a body that is not valid UTF-8 with {@code 400} (it would be stored with replacement characters). */
  static Handler<RoutingContext> utf8(String path) {
    boolean ignored = BODY_IGNORED.contains(path);
    return ctx -> {
      Buffer body = ctx.body() == null ? null : ctx.body().buffer();
      if (ignored || body == null || body.length() == 0 || validUtf8(body.getBytes())) {
        ctx.next();
        return;
      }
      ctx.fail(Problem.badRequest("invalid-utf8", "the body is not valid UTF-8; send JSON encoded as UTF-8"));
    };
  }

  static boolean validUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
