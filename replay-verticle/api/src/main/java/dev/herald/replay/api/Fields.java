package dev.herald.replay.api;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * Reading the members of the replay verticle's message bodies: each getter checks the type and fails
 * with a {@link ReplyException} whose code is {@link HistoryFailure#BAD_REQUEST} and whose message names
 * the member, which the receiver passes on as its reply failure.
 */
final class Fields {
  private Fields() {
  }

  /** A string member, {@code null} when absent; another type is a bad request. */
  static String string(JsonObject o, String name, String what) {
    Object v = o.getValue(name);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw bad(what + " must be a string");
  }

  /** An integer member in 1..max, {@code dflt} when absent. */
  static int intIn(JsonObject o, String name, int dflt, int max) {
    Object v = o.getValue(name);
    if (v == null) {
      return dflt;
    }
    double d = v instanceof Number n ? n.doubleValue() : Double.NaN;
    if (d != Math.rint(d) || d < 1 || d > max) {
      throw bad(name + " must be an integer from 1 to " + max);
    }
    return (int) d;
  }

  /** A boolean member, {@code false} when absent. */
  static boolean flag(JsonObject o, String name) {
    Object v = o.getValue(name);
    if (v != null && !(v instanceof Boolean)) {
      throw bad(name + " must be true or false");
    }
    return Boolean.TRUE.equals(v);
  }

  static ReplyException bad(String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, HistoryFailure.BAD_REQUEST, message);
  }
}
