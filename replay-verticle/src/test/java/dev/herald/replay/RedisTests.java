package dev.herald.replay;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** Shared bits of the Redis store tests: unique key prefixes, waiting on futures, polling. */
final class RedisTests {
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private RedisTests() {
  }

  /** A key prefix no other store of this JVM uses, so tests sharing one Redis never see each other's keys. */
  static String prefix() {
    return "t" + ProcessHandle.current().pid() + "-" + PREFIXES.incrementAndGet();
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  /** The failure of {@code f} (fails the test when it succeeds). */
  static Throwable failure(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    return fail("expected a failure");
  }

  /** A check that may throw (counted as "not yet"). */
  interface Check {
    boolean holds() throws Exception;
  }

  /** Polls every 50 ms until {@code check} holds; fails the test after {@code timeout}. */
  static void poll(String what, Duration timeout, Check check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() - deadline < 0) {
      try {
        if (check.holds()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    fail("timed out waiting for " + what + (last == null ? "" : " (last error: " + last + ")"));
  }
}
