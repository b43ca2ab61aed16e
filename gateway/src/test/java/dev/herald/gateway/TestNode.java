package dev.herald.gateway;

import dev.herald.gateway.config.ConfigLoader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts a {@link HeraldNode} on a free port with small limits, for on-the-wire tests. */
final class TestNode {
  static final long WAIT_SECONDS = 20;

  private TestNode() {
  }

  /** Small limits every test class starts from; a class overrides what it tests. */
  static Map<String, Object> smallLimits() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("http.port", 0);
    m.put("http.host", "127.0.0.1");
    m.put("http.instances", 2);
    m.put("http.maxBodyBytes", "8KiB");
    m.put("sse.maxChannelsPerStream", 4);
    m.put("sse.pingInterval", "1s");
    m.put("history.maxEvents", 50);
    return m;
  }

  /** A started node with a client of it, for a test class. */
  record Running(Vertx vertx, HeraldNode node, Api api) {
    int port() {
      return node.port();
    }

    void stop() {
      api.close();
      await(node.stop());
    }
  }

  /** Starts a node with {@link #smallLimits} and {@code overrides}, and a client of it. */
  static Running run(Vertx vertx, Map<String, ?> overrides) {
    HeraldNode node = start(vertx, overrides);
    return new Running(vertx, node, new Api(vertx, node.port()));
  }

  static HeraldNode start(Vertx vertx, Map<String, ?> overrides) {
    Map<String, Object> values = smallLimits();
    values.putAll(overrides);
    return await(HeraldNode.start(vertx, ConfigLoader.fromMap(values)));
  }

  /** Waits for a future on the test thread (never an event loop), failing the test after {@link #WAIT_SECONDS}. */
  static <T> T await(Future<T> future) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("TestNode.await blocks: call it from the test thread, never an event loop");
    }
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
    } catch (Exception e) {
      throw new AssertionError("no answer within " + WAIT_SECONDS + " s", e);
    }
  }
}
