package dev.herald.replay;

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
 * A Lua script kept as a resource file under {@code dev/herald/replay/redis/}, with the shared
 * {@code lib.lua} in front of it: its source, its SHA-1 (the name {@code EVALSHA} runs it by) and the
 * requests that load and run it.
 */
final class RedisScript {
  private static final String DIR = "/dev/herald/replay/redis/";

  private final String name;
  private final String source;
  private final String sha;

  private RedisScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
  }

  /** Reads {@code lib.lua} and {@code <name>.lua} from the class path. */
  static RedisScript load(String name) {
    return new RedisScript(name, resource("lib.lua") + "\n" + resource(name + ".lua"));
  }

  String name() {
    return name;
  }

  String sha() {
    return sha;
  }

  /** {@code SCRIPT LOAD <source>}. */
  Request loadRequest() {
    return Request.cmd(Command.SCRIPT).arg("LOAD").arg(source);
  }

  /** {@code EVALSHA <sha> <keys> <args>}. */
  Request evalsha(List<String> keys, List<String> args) {
    return run(Request.cmd(Command.EVALSHA).arg(sha), keys, args);
  }

  /** {@code EVAL <source> <keys> <args>}: runs the script where it is not cached, and caches it there. */
  Request eval(List<String> keys, List<String> args) {
    return run(Request.cmd(Command.EVAL).arg(source), keys, args);
  }

  private static Request run(Request r, List<String> keys, List<String> args) {
    r.arg(keys.size());
    for (String k : keys) {
      r.arg(k);
    }
    for (String a : args) {
      r.arg(a);
    }
    return r;
  }

  private static String resource(String file) {
    try (InputStream in = RedisScript.class.getResourceAsStream(DIR + file)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DIR + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + DIR + file, e);
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
