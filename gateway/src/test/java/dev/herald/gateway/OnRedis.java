package dev.herald.gateway;

import dev.herald.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Puts a test node's store on a real {@code redis-server}: the settings, and the server's life. */
final class OnRedis {
  private OnRedis() {
  }

  /** {@code overrides} plus {@code store.type=redis} on {@code redis}. */
  static Map<String, Object> settings(RedisServer redis, Map<String, ?> overrides) {
    Map<String, Object> m = new LinkedHashMap<>(overrides);
    m.put("store.type", "redis");
    m.put("store.redis.host", redis.host());
    m.put("store.redis.port", redis.port());
    return m;
  }

  /** A plain redis-server (no persistence), started for a test class. */
  static RedisServer start() {
    try {
      return RedisServer.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A redis-server with append-only persistence ({@code appendfsync always}): acknowledged writes survive a kill. */
  static RedisServer startPersistent() {
    try {
      return RedisServer.builder().appendOnly(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code FLUSHALL}: Redis loses every key, as after a restart without persistence. */
  static void flush(RedisServer redis) {
    try {
      redis.flushAll();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the server; null-safe for an {@code @AfterAll} after a failed start. */
  static void close(RedisServer redis) {
    if (redis != null) {
      redis.close();
    }
  }

  /**
   * A plain redis-server for one test class: {@code @RegisterExtension static final OnRedis.ForClass REDIS =
   * new OnRedis.ForClass();} starts it before the class's own {@code @BeforeAll} methods and stops it after all.
   */
  static final class ForClass implements BeforeAllCallback, AfterAllCallback {
    private RedisServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
      server = start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
      close(server);
    }

    /** {@code overrides} plus {@code store.type=redis} on this class's server. */
    Map<String, Object> settings(Map<String, ?> overrides) {
      return OnRedis.settings(server, overrides);
    }

    void flush() {
      OnRedis.flush(server);
    }
  }
}
