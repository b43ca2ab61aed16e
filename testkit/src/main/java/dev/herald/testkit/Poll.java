package dev.herald.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Polls a condition until it holds or a deadline passes: the tests' one way to wait without sleeping. */
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
