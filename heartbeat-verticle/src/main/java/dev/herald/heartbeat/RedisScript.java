package dev.herald.heartbeat;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script kept as a resource file ({@code dev/herald/heartbeat/redis/<name>.lua}), run with
 * {@code EVALSHA}. Its SHA-1 is computed here, so a call never waits for {@code SCRIPT LOAD}; when Redis
 * answers {@code NOSCRIPT} (a restart, a failover, {@code SCRIPT FLUSH}, or a cluster node that never saw
 * it) the same call is sent once more as {@code EVAL} with the body, which runs it and loads it into that
 * node's script cache for the next {@code EVALSHA}.
 */
final class RedisScript {
  private static final String DIR = "/dev/herald/heartbeat/redis/";

  private final String name;
  private final String body;
  private final String sha;

  private RedisScript(String name, String body) {
    this.name = name;
    this.body = body;
    this.sha = sha1(body);
  }

  /** Loads {@code <name>.lua} from this module's resources. */
  static RedisScript load(String name) {
    String path = DIR + name + ".lua";
    try (InputStream in = RedisScript.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new RedisScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  String name() {
    return name;
  }

  /** The SHA-1 Redis knows the script by. */
  String sha() {
    return sha;
  }

  /** {@code SCRIPT LOAD <body>}. */
  Request loadRequest() {
    return Request.cmd(Command.SCRIPT).arg("LOAD").arg(body);
  }

  /** {@code EVALSHA sha numkeys keys... args...}. */
  Request evalsha(List<String> keys, List<String> args) {
    return fill(Request.cmd(Command.EVALSHA).arg(sha), keys, args);
  }

  /** {@code EVAL body numkeys keys... args...}: the fallback after {@code NOSCRIPT}. */
  Request eval(List<String> keys, List<String> args) {
    return fill(Request.cmd(Command.EVAL).arg(body), keys, args);
  }

  /** A call of this script, with its NOSCRIPT fallback. */
  RedisCall call(List<String> keys, List<String> args) {
    return new RedisCall(evalsha(keys, args), () -> eval(keys, args), name);
  }

  /** True when Redis answered that it does not know the script. */
  static boolean isNoScript(Throwable failure) {
    String message = failure.getMessage();
    return message != null && message.startsWith("NOSCRIPT");
  }

  private static Request fill(Request request, List<String> keys, List<String> args) {
    request.arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }

  private static String sha1(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is not available", e);
    }
  }
}
