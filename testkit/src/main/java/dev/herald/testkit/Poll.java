package dev.herald.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Polls a condition until it holds or a deadline passes. */
final class Poll {
  private static final long STEP_NANOS = Duration.ofMillis(25).toNanos();

  /** A check that may fail with an exception (counted as "not yet"). */
  interface Check {
    boolean holds() throws Exception;
  }

  private Poll() {
  }

  /** {@code true} as soon as {@code check} holds, {@code false} when {@code timeout} passes first. */
  static boolean until(Duration timeout, Check check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (check.holds()) {
          return true;
        }
      } catch (Exception notYet) {
        // not ready yet: try again until the deadline
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      LockSupport.parkNanos(STEP_NANOS);
    }
  }
}
