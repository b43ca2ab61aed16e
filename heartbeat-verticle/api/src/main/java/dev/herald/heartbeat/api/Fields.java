package dev.herald.heartbeat.api;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * Reading the members of the heartbeat verticle's message bodies: each check fails with a
 * {@link ReplyException} whose code is a {@link PresenceFailure} and whose message names the member, which
 * the receiver passes on as its reply failure.
 */
final class Fields {
  static final String SESSION_ID = "sessionId";

  private Fields() {
  }

  /** The message body as a JSON object; no body reads as an empty object. */
  static JsonObject object(Object body) {
    if (body == null) {
      return new JsonObject();
    }
    if (body instanceof JsonObject o) {
      return o;
    }
    throw bad("the message must be a JSON object");
  }

  /** The required {@code sessionId}. */
  static String sessionId(JsonObject body) {
    String id = optionalSessionId(body, SESSION_ID);
    if (id == null) {
      throw bad("sessionId is missing");
    }
    return id;
  }

  /** A session id member that may be absent ({@code null}), else valid. */
  static String optionalSessionId(JsonObject body, String key) {
    Object v = body.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || !SessionIds.isValid(s)) {
      throw bad(key + " must be " + SessionIds.RULE);
    }
    return s;
  }

  /** The optional {@code client} of a start or stop: 1 to {@value StartRequest#MAX_CLIENT} characters. */
  static String client(JsonObject body) {
    Object v = body.getValue("client");
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isEmpty() || s.length() > StartRequest.MAX_CLIENT) {
      throw bad("client must be a string of 1-" + StartRequest.MAX_CLIENT + " characters");
    }
    return s;
  }

  static ReplyException bad(String message) {
    return failure(PresenceFailure.BAD_REQUEST, message);
  }

  static ReplyException failure(int code, String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message);
  }
}
