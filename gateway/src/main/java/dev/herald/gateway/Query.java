package dev.herald.gateway;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The query parameters of a request, read strictly: a key expected once and given twice, a value
 * that is not a number where one is expected, or a malformed query string is a {@code 400}.
 */
final class Query {
  private final MultiMap params;

  private Query(MultiMap params) {
    this.params = params;
  }

  static Query of(RoutingContext ctx) {
    try {
      return new Query(ctx.queryParams());
    } catch (IllegalArgumentException e) {
      throw Problem.invalidQuery("the query string is malformed (bad percent-encoding); encode it with "
          + "encodeURIComponent");
    }
  }

  /** Every value of {@code name}, in order. */
  List<String> all(String name) {
    return params.getAll(name);
  }

  /** The value of a key expected at most once, or {@code null} when absent. */
  String single(String name) {
    List<String> values = params.getAll(name);
    if (values.size() > 1) {
      throw Problem.invalidQuery("the query parameter '" + name + "' is given " + values.size()
          + " times; give it once");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  /** An integer from {@code min} to {@code max}, {@code dflt} when absent. */
  int intValue(String name, int dflt, int min, int max) {
    String v = single(name);
    if (v == null) {
      return dflt;
    }
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      n = Long.MIN_VALUE;
    }
    if (n < min || n > max) {
      throw new Problem(400, "invalid-" + name, "Invalid query parameter",
          "'" + name + "' must be an integer from " + min + " to " + max + " (default " + dflt + ")");
    }
    return (int) n;
  }
}
