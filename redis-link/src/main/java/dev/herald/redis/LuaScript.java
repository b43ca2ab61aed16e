package dev.herald.redis;

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
 * A Lua script kept as resource files and run with {@code EVALSHA}, for both Redis stores. Its SHA-1
 * is computed here, so a call never waits for {@code SCRIPT LOAD}; when Redis answers {@code NOSCRIPT}
 * (a restart, a failover, {@code SCRIPT FLUSH}, or a cluster master that never saw it) the caller sends
 * the same call once more as {@link #eval}, which runs it and caches it on that node.
 */
public final class LuaScript {
  private final String name;
  private final String source;
  private final String sha;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
  }

  /**
   * Reads {@code <dir><name>.lua} from the class path, with each of {@code preludes}
   * ({@code <dir><prelude>.lua}, shared helper code) in front of it, joined by line breaks.
   *
   * @param dir an absolute resource folder ending with {@code /}, e.g. {@code /dev/herald/replay/redis/}
   */
  public static LuaScript load(String dir, String name, String... preludes) {
    StringBuilder source = new StringBuilder();
    for (String prelude : preludes) {
      source.append(resource(dir + prelude + ".lua")).append('\n');
    }
    return new LuaScript(name, source.append(resource(dir + name + ".lua")).toString());
  }

  public String name() {
    return name;
  }

  /** The SHA-1 Redis knows the script by. */
  public String sha() {
    return sha;
  }

  /** {@code SCRIPT LOAD <source>}. */
  public Request loadRequest() {
    return Request.cmd(Command.SCRIPT).arg("LOAD").arg(source);
  }

  /** {@code EVALSHA <sha> numkeys keys... args...}. */
  public Request evalsha(List<String> keys, List<String> args) {
    return fill(Request.cmd(Command.EVALSHA).arg(sha), keys, args);
  }

  /** {@code EVAL <source> numkeys keys... args...}: the fallback after {@code NOSCRIPT}. */
  public Request eval(List<String> keys, List<String> args) {
    return fill(Request.cmd(Command.EVAL).arg(source), keys, args);
  }

  /** True when Redis answered that it does not know the script. */
  public static boolean isNoScript(Throwable failure) {
    String message = failure.getMessage();
    return message != null && message.startsWith("NOSCRIPT");
  }

  private static Request fill(Request request, List<String> keys, List<String> args) {
    request.arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }

  private static String resource(String path) {
    try (InputStream in = LuaScript.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is not available", e);
    }
  }
}
