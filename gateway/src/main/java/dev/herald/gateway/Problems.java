package dev.herald.gateway;

import dev.herald.gateway.auth.AuthFailure;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders {@link Problem}s and maps failures to them: a validation {@link Problem} as it is, an
 * event-bus {@link ReplyException} with the HTTP status its failure code names (the verticles' codes
 * are HTTP statuses), a timeout or a missing handler as {@code 503}, anything else as {@code 500}.
 */
final class Problems {
  static final String CONTENT_TYPE = "application/problem+json";
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {
  }

  /** Answers {@code problem}; when the response already started (a stream) the connection is closed instead. */
  static void send(RoutingContext ctx, Problem problem) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      if (!response.ended()) {
        response.reset();
      }
      return;
    }
    problem.headers().forEach(response::putHeader);
    response.setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(problem.toJson().toBuffer());
  }

  /** Answers the problem {@code failure} maps to, naming {@code service} when a verticle did not answer. */
  static void send(RoutingContext ctx, Throwable failure, String service) {
    send(ctx, from(failure, service));
  }

  /** The problem a failure maps to. */
  static Problem from(Throwable failure, String service) {
    if (failure instanceof Problem p) {
      return p;
    }
    if (failure instanceof ReplyException re) {
      return fromReply(re, service);
    }
    if (failure instanceof AuthFailure f) {
      return fromAuth(f);
    }
    LOG.error("Unexpected failure serving a request", failure);
    return internal();
  }

  static Problem internal() {
    return new Problem(500, "internal-error", "Internal error",
        "the node failed to answer this request and logged why; try again, and report it if it persists");
  }

  /** An access refusal with its {@code WWW-Authenticate} or {@code Retry-After}. */
  static Problem fromAuth(AuthFailure f) {
    Problem p = new Problem(f.status(), f.slug(), f.title(), f.getMessage());
    if (f.wwwAuthenticate() != null) {
      p = p.withHeader("WWW-Authenticate", f.wwwAuthenticate());
    }
    if (f.retryAfterSeconds() > 0) {
      p = p.withHeader("Retry-After", Long.toString(f.retryAfterSeconds()));
    }
    return p;
  }

  private static Problem fromReply(ReplyException re, String service) {
    if (re.failureType() == ReplyFailure.TIMEOUT) {
      return Problem.unavailable("the " + service + " service did not answer in time; try again shortly");
    }
    if (re.failureType() == ReplyFailure.NO_HANDLERS) {
      return Problem.unavailable("no " + service + " service is running in the cluster; try again shortly");
    }
    String detail = re.getMessage() == null || re.getMessage().isBlank()
        ? "the " + service + " service refused the request" : re.getMessage();
    return switch (re.failureCode()) {
      case 400 -> Problem.badRequest("bad-request", detail);
      case 404 -> Problem.notFound("not-found", detail);
      case 409 -> new Problem(409, "conflict", "Conflict", detail);
      case 413 -> Problem.tooLarge("too-large", detail);
      case 503 -> Problem.unavailable(detail);
      default -> {
        LOG.error("The {} service failed: code {} {}", service, re.failureCode(), re.getMessage());
        yield internal();
      }
    };
  }

  /**
   * The problem for a failed routing: a {@link Problem} thrown by a route as it is, else the status the
   * router or a handler produced (no route, wrong method, body over {@code maxBodyBytes}, origin refused…).
   */
  static Problem forFailure(RoutingContext ctx, long maxBodyBytes) {
    int status = ctx.statusCode();
    Throwable failure = ctx.failure();
    if (failure instanceof Problem p) {
      return p;
    }
    if (failure instanceof AuthFailure f) {
      return fromAuth(f);
    }
    String method = ctx.request().method().name();
    return switch (status) {
      case 404 -> Problem.notFound("no-route", "there is no resource at this path; the API is described in the "
          + "README (for example GET /v1/stream?channel=…, POST /v1/channels/{channel}/events)");
      case 405 -> new Problem(405, "method-not-allowed", "Method not allowed",
          "this resource does not accept " + method + "; check the method of the call");
      case 413 -> Problem.tooLarge("body-too-large", "the request body is larger than " + maxBodyBytes
          + " bytes (http.maxBodyBytes)");
      case 403 -> new Problem(403, "origin-not-allowed", "Forbidden",
          "this origin may not call Herald; add it to http.cors.origins");
      case 400 -> Problem.badRequest("bad-request", "the request could not be read (malformed path, query or headers)");
      case -1, 500 -> failure != null ? from(failure, "gateway") : internal();
      default -> status >= 400 && status < 600
          ? new Problem(status, "http-" + status, "HTTP " + status, "the request failed with status " + status)
          : internal();
    };
  }
}
