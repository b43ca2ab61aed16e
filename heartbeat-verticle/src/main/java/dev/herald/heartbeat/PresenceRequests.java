package dev.herald.heartbeat;

import dev.herald.heartbeat.api.PresenceFailure;
import dev.herald.heartbeat.api.PresenceOptions;
import dev.herald.heartbeat.api.SessionIds;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and checks the fields of the heartbeat verticle's request messages. Every check throws a
 * {@link RequestFailure} whose message names the field and what is wrong with it.
 */
final class PresenceRequests {
  /** Longest accepted user id. */
  static final int MAX_USER_ID = 256;
  /** Most session ids in one batched beat. */
  static final int MAX_BEAT_BATCH = 100_000;
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private PresenceRequests() {
  }

  /** The message body as a JSON object; no body reads as an empty object. */
  static JsonObject body(Message<?> message) {
    Object body = message.body();
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
    String id = optionalSessionId(body, "sessionId");
    if (id == null) {
      throw bad("sessionId is missing");
    }
    return id;
  }

  /** A session id field that may be absent ({@code null}), else valid. */
  static String optionalSessionId(JsonObject body, String key) {
    Object v = body.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || !SessionIds.isValid(s)) {
      throw bad(key + " must be 1-" + SessionIds.MAX_LENGTH + " characters of A-Z a-z 0-9 _ - . : @");
    }
    return s;
  }

  /** The optional {@code userId}: 1–256 characters. */
  static String userId(JsonObject body) {
    Object v = body.getValue("userId");
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isEmpty() || s.length() > MAX_USER_ID) {
      throw bad("userId must be a string of 1-" + MAX_USER_ID + " characters");
    }
    return s;
  }

  /** The optional {@code meta}: a JSON object of at most {@link PresenceOptions#MAX_META_BYTES} bytes. */
  static JsonObject meta(JsonObject body) {
    Object v = body.getValue("meta");
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject meta)) {
      throw bad("meta must be a JSON object");
    }
    int bytes;
    try {
      bytes = meta.toBuffer().length();
    } catch (RuntimeException e) {
      throw bad("meta must be a JSON object");
    }
    if (bytes > PresenceOptions.MAX_META_BYTES) {
      throw new RequestFailure(PresenceFailure.TOO_LARGE,
          "meta is " + bytes + " bytes as JSON, more than " + PresenceOptions.MAX_META_BYTES);
    }
    return meta;
  }

  /** The {@code sessionIds} of a batched beat, or {@code null} when the message has none. */
  static List<String> sessionIds(JsonObject body) {
    Object v = body.getValue("sessionIds");
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonArray a)) {
      throw bad("sessionIds must be an array of session ids");
    }
    if (a.size() > MAX_BEAT_BATCH) {
      throw bad("sessionIds holds " + a.size() + " ids, more than " + MAX_BEAT_BATCH);
    }
    List<String> ids = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof String s) || !SessionIds.isValid(s)) {
        throw bad("sessionIds[" + i + "] must be 1-" + SessionIds.MAX_LENGTH
            + " characters of A-Z a-z 0-9 _ - . : @");
      }
      ids.add(s);
    }
    return ids;
  }

  /** The page size: an integer from 1 to 1000, 100 when absent. */
  static int limit(JsonObject body) {
    Object v = body.getValue("limit");
    if (v == null) {
      return DEFAULT_LIMIT;
    }
    boolean integral = v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte;
    if (!integral || ((Number) v).longValue() < 1 || ((Number) v).longValue() > MAX_LIMIT) {
      throw bad("limit must be an integer from 1 to " + MAX_LIMIT);
    }
    return ((Number) v).intValue();
  }

  /** The stop's optional {@code leaving}: true for a page that goes away (the stop waits heartbeat.leaveGrace). */
  static boolean leaving(JsonObject body) {
    Object v = body.getValue("leaving");
    if (v != null && !(v instanceof Boolean)) {
      throw bad("leaving must be true or false");
    }
    return Boolean.TRUE.equals(v);
  }

  private static RequestFailure bad(String message) {
    return new RequestFailure(PresenceFailure.BAD_REQUEST, message);
  }
}
