package dev.herald.gateway;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP error as RFC 9457 {@code application/problem+json}: {@code type}
 * ({@code urn:herald:problem:<slug>}), {@code title}, {@code status}, {@code detail}. Thrown by
 * validation and rendered by {@link Problems}; it carries no stack trace (it is an answer, not a bug).
 */
final class Problem extends RuntimeException {
  static final String TYPE_PREFIX = "urn:herald:problem:";

  private final int status;
  private final String slug;
  private final String title;
  private final JsonObject extensions;
  private final Map<String, String> headers;

  Problem(int status, String slug, String title, String detail) {
    this(status, slug, title, detail, new JsonObject(), Map.of());
  }

  private Problem(int status, String slug, String title, String detail, JsonObject extensions,
                  Map<String, String> headers) {
    super(detail, null, false, false);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.extensions = extensions;
    this.headers = headers;
  }

  /** A copy with an RFC 9457 extension member (for example {@code index} of a bad batch item). */
  Problem with(String member, Object value) {
    return new Problem(status, slug, title, detail(), extensions.copy().put(member, value), headers);
  }

  /** A copy whose detail starts with {@code prefix} (for example {@code "events[3]: "}). */
  Problem prefixed(String prefix) {
    return new Problem(status, slug, title, prefix + detail(), extensions, headers);
  }

  /** A copy answered with one more response header (e.g. {@code WWW-Authenticate}, {@code Retry-After}). */
  Problem withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Problem(status, slug, title, detail(), extensions, Map.copyOf(more));
  }

  /** Response headers that go with this problem. */
  Map<String, String> headers() {
    return headers;
  }

  static Problem badRequest(String slug, String detail) {
    return new Problem(400, slug, "Bad request", detail);
  }

  static Problem invalidJson(String detail) {
    return new Problem(400, "invalid-json", "Malformed JSON body", detail);
  }

  static Problem invalidName(String detail) {
    return new Problem(400, "invalid-name", "Invalid channel or event name", detail);
  }

  static Problem reservedName(String detail) {
    return new Problem(400, "reserved-name", "Reserved name", detail);
  }

  static Problem invalidQuery(String detail) {
    return new Problem(400, "invalid-query", "Invalid query parameter", detail);
  }

  static Problem tooLarge(String slug, String detail) {
    return new Problem(413, slug, "Payload too large", detail);
  }

  static Problem notFound(String slug, String detail) {
    return new Problem(404, slug, "Not found", detail);
  }

  static Problem unavailable(String detail) {
    return new Problem(503, "unavailable", "Service unavailable", detail);
  }

  int status() {
    return status;
  }

  String slug() {
    return slug;
  }

  String title() {
    return title;
  }

  String detail() {
    return getMessage();
  }

  JsonObject toJson() {
    return new JsonObject().put("type", TYPE_PREFIX + slug).put("title", title).put("status", status)
        .put("detail", detail()).mergeIn(extensions);
  }
}
