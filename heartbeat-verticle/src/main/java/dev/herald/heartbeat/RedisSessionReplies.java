package dev.herald.heartbeat;

import dev.herald.heartbeat.api.Session;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the presence scripts' answers. A session travels as {@code {id, lastSeenAt, userId|nil, meta,
 * connectedAt}} ({@code redis/*.lua}).
 */
final class RedisSessionReplies {
  private RedisSessionReplies() {
  }

  /** The session in {@code r} from index {@code at}, or {@code null} when {@code r} is nil. */
  static Session session(Response r, int at) {
    if (r == null) {
      return null;
    }
    Response user = r.get(at + 2);
    Response meta = r.get(at + 3);
    return new Session(r.get(at).toString(), user == null ? null : user.toString(),
        meta == null ? new JsonObject() : new JsonObject(meta.toString()),
        number(r.get(at + 4)), number(r.get(at + 1)));
  }

  /** Every session of an array of sessions (nil entries skipped). */
  static List<Session> sessions(Response array) {
    List<Session> out = new ArrayList<>(array == null ? 0 : array.size());
    if (array != null) {
      for (int i = 0; i < array.size(); i++) {
        Session s = session(array.get(i), 0);
        if (s != null) {
          out.add(s);
        }
      }
    }
    return out;
  }

  /** The strings of an array. */
  static List<String> strings(Response array) {
    List<String> out = new ArrayList<>(array == null ? 0 : array.size());
    if (array != null) {
      for (int i = 0; i < array.size(); i++) {
        out.add(array.get(i).toString());
      }
    }
    return out;
  }

  /** An integer reply, or a number as a bulk string (a hash field, a sorted-set score). */
  static long number(Response r) {
    if (r == null) {
      throw new IllegalStateException("presence data in Redis is incomplete: a number is missing");
    }
    String text = r.toString();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException notAnInteger) {
      return (long) Double.parseDouble(text);
    }
  }
}
