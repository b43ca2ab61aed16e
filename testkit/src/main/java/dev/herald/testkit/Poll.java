package dev.herald.testkit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition until it holds or a deadline passes: the tests' one way to wait for what no event
 * announces, without sleeping — blocking on a test thread ({@link #await}, {@link #until(Duration, Check)}),
 * or as a future on Vert.x timers for tests written as future chains ({@link #until(Vertx, String, Duration,
 * BooleanSupplier)}).
 */
public final class Poll {
  private static final long STEP_NANOS = Duration.ofMillis(25).toNanos();

  /** A check that may fail with an exception (counted as "not yet"). */
  public interface Check {
    boolean holds() throws Exception;
  }

  private Poll() {
  }

  /** {@code true} as soon as {@code check} holds, {@code false} when {@code timeout} passes first. */
  public static boolean until(Duration timeout, Check check) {
    return attempt(timeout, check) == null;
  }

  /**
   * Waits until {@code check} holds; fails with an {@link AssertionError} naming {@code what} (and the last
   * exception the check threw) when {@code timeout} passes first.
   */
  public static void await(String what, Duration timeout, Check check) {
    Outcome o = attempt(timeout, check);
    if (o != null) {
      throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
          + (o.last == null ? "" : " (last error: " + o.last + ")"), o.last);
    }
  }

  /**
   * A future that completes once {@code condition} holds, checked now and then every {@value #STEP_MS} ms
   * on {@code vertx}'s timers (never blocking a thread); it fails naming {@code what} after {@code timeout}.
   */
  public static Future<Void> until(Vertx vertx, String what, Duration timeout, BooleanSupplier condition) {
    Promise<Void> done = Promise.promise();
    check(vertx, what, System.nanoTime() + timeout.toNanos(), timeout, condition, done);
    return done.future();
  }

  private static final long STEP_MS = 20;

  private static void check(Vertx vertx, String what, long deadline, Duration timeout, BooleanSupplier condition,
                            Promise<Void> done) {
    if (condition.getAsBoolean()) {
      done.tryComplete();
    } else if (System.nanoTime() - deadline >= 0) {
      done.tryFail(new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what));
    } else {
      vertx.setTimer(STEP_MS, id -> check(vertx, what, deadline, timeout, condition, done));
    }
  }

  private record Outcome(Exception last) {
  }

  /** {@code null} once the check held, else how it ended. */
  private static Outcome attempt(Duration timeout, Check check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (check.holds()) {
          return null;
        }
      } catch (Exception notYet) {
        last = notYet;
      }
      if (System.nanoTime() - deadline >= 0) {
        return new Outcome(last);
      }
      LockSupport.parkNanos(STEP_NANOS);
    }
  }
}
