package dev.herald.redis;

import io.vertx.redis.client.Request;
import java.util.List;
import java.util.function.Supplier;

/**
 * One Redis request for a {@link RedisCalls} pipeline: what to send, how to send it again after
 * {@code NOSCRIPT} (a script's {@code EVAL}), and its lane — the Redis Cluster slot it belongs to. Requests
 * of one lane leave in the order they were issued, together; lanes leave side by side.
 *
 * @param request    what to send first
 * @param onNoScript builds what to send after {@code NOSCRIPT}, or {@code null} for a plain command
 * @param lane       the hash slot's key (a key's hash tag, else the key), or {@code null} for the shared lane
 *                   of commands that all touch one key
 * @param label      a short name for logs and errors
 */
public record RedisCall(Request request, Supplier<Request> onNoScript,
                        String lane, String label) {

  /** A call of {@code script}, with its NOSCRIPT fallback, in the lane of its first key. */
  public static RedisCall script(LuaScript script, List<String> keys, List<String> args) {
    return new RedisCall(script.evalsha(keys, args), () -> script.eval(keys, args), slot(keys.get(0)), script.name());
  }

  /** A plain command on {@code key}, in that key's lane. */
  public static RedisCall keyed(String label, String key, Request request) {
    return new RedisCall(request, null, slot(key), label);
  }

  /** A plain command in the shared lane (commands that all touch one key, or none). */
  public static RedisCall plain(String label, Request request) {
    return new RedisCall(request, null, null, label);
  }

  /** What Redis Cluster hashes of {@code key}: the first non-empty {@code {…}} hash tag, else the whole key. */
  static String slot(String key) {
    int open = key.indexOf('{');
    if (open >= 0) {
      int close = key.indexOf('}', open + 1);
      if (close > open + 1) {
        return key.substring(open + 1, close);
      }
    }
    return key;
  }
}
