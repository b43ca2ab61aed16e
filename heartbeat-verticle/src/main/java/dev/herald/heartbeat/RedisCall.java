package dev.herald.heartbeat;

import dev.herald.redis.LuaScript;
import io.vertx.redis.client.Request;
import java.util.function.Supplier;

/**
 * One Redis request and, for a script, how to build the request to send once instead when Redis answers
 * {@code NOSCRIPT} ({@code EVAL} with the body).
 *
 * @param request    what to send first
 * @param onNoScript builds what to send after {@code NOSCRIPT}, or {@code null} for a plain command
 * @param label      a short name for logs and errors
 */
record RedisCall(Request request, Supplier<Request> onNoScript, String label) {

  /** A call of {@code script}, with its NOSCRIPT fallback. */
  static RedisCall script(LuaScript script, java.util.List<String> keys, java.util.List<String> args) {
    return new RedisCall(script.evalsha(keys, args), () -> script.eval(keys, args), script.name());
  }

  /** A plain command, not a script. */
  static RedisCall plain(String label, Request request) {
    return new RedisCall(request, null, label);
  }
}
