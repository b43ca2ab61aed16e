package dev.herald.gateway;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * The problems of the HTTP edge (docs/http-api.md#edge) and how they are answered when the connection must
 * end with them: a request the HTTP layer could not read (the server's invalid-request handler), a body
 * that did not arrive in time, a connection over the cap.
 */
final class EdgeProblems {
  /** Request lines hold up to 32 channels of 128 characters, and a cursor. */
  static final int MAX_REQUEST_LINE = 16 * 1024;
  /** Request headers, all together: room for a {@code Last-Event-ID} of 16 KiB besides cookies and the rest. */
  static final int MAX_HEADERS = 32 * 1024;

  private EdgeProblems() {
  }

  static Problem uriTooLong() {
    return new Problem(414, "uri-too-long", "URI too long", "the request line is longer than " + MAX_REQUEST_LINE
        + " bytes; shorten the query (send a stream's cursor in the Last-Event-ID header)");
  }

  static Problem headersTooLarge() {
    return new Problem(431, "headers-too-large", "Request header fields too large", "the request headers are "
        + "larger than " + MAX_HEADERS + " bytes together; send fewer or smaller headers (cookies included)");
  }

  static Problem malformed(String why) {
    return Problem.badRequest("malformed-request", "the HTTP request could not be read (" + why + "); send a "
        + "well-formed HTTP/1.1 request (each line ends with CRLF, no bare CR, valid header names and values)");
  }

  static Problem ambiguousLength() {
    return Problem.badRequest("ambiguous-length", "the request has both Content-Length and Transfer-Encoding, so "
        + "its length is ambiguous; send one of them (the connection is closed)");
  }

  static Problem requestTimeout() {
    return new Problem(408, "request-timeout", "Request timeout", "the request body did not arrive within "
        + "http.requestTimeout; send it at once (the connection is closed)");
  }

  static Problem tooManyConnections() {
    return new Problem(503, "too-many-connections", "Service unavailable", "the node holds as many connections "
        + "as it may (http.maxConnections) and serves only /health/* and /metrics on this one; retry shortly or use "
        + "another node");
  }

  /** {@link #malformed} as a whole HTTP/1.1 response, for a request whose body cannot be read (a bad chunk). */
  static String cannedMalformedBody(Throwable cause) {
    String body = malformed("the body: " + why(cause)).toJson().encode();
    return "HTTP/1.1 400 Bad Request\r\ncontent-type: " + Problems.CONTENT_TYPE + "\r\ncache-control: no-store\r\n"
        + "connection: close\r\ncontent-length: " + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        + "\r\n\r\n" + body;
  }

  /** A decoder's reason, safe to quote back: printable ASCII, at most 120 characters. */
  private static String why(Throwable cause) {
    String why = cause == null || cause.getMessage() == null ? "malformed" : cause.getMessage();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < why.length() && b.length() < 120; i++) {
      char c = why.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }

  /** The problem a request the decoder could not read gets. */
  static Problem forUnreadable(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return uriTooLong();
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return headersTooLarge();
    }
    if (cause instanceof WireAdapter.AmbiguousLengthException) {
      return ambiguousLength();
    }
    return malformed(why(cause));
  }

  /**
   * The server's invalid-request handler: answers the problem and closes the connection (the decoder
   * discards the rest of what the client sends).
   */
  static void unreadable(HttpServerRequest request, Connections node) {
    Problem problem = forUnreadable(request.decoderResult().cause());
    node.malformed(String.valueOf(request.remoteAddress()), problem.status(), problem.slug());
    answerAndClose(request, problem);
  }

  /** Answers {@code problem} on the route's request and closes its connection (HTTP/1.x) once it is written. */
  static void refuseAndClose(RoutingContext ctx, Problem problem) {
    answerAndClose(ctx.request(), problem);
  }

  private static void answerAndClose(HttpServerRequest request, Problem problem) {
    HttpServerResponse response = request.response();
    boolean http1 = request.version() != HttpVersion.HTTP_2;
    if (response.headWritten()) {
      request.connection().close();
      return;
    }
    response.setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problems.CONTENT_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    if (problem.status() == 503) {
      response.putHeader(HttpHeaders.RETRY_AFTER, "1");
    }
    if (http1) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    response.end(Buffer.buffer(problem.toJson().encode())).onComplete(x -> {
      if (http1) {
        request.connection().close();
      }
    });
  }
}
