package dev.herald.heartbeat;

import org.slf4j.Logger;

/**
 * Logs a run of presence-store failures once: the first failure, then one line when the store answers
 * again with how many requests failed meanwhile. An outage of Redis is an expected event; it must not
 * write a warning per request. Used on the heartbeat verticle's context only.
 */
final class StoreTrouble {
  private final Logger log;
  private boolean failing;
  private long failures;
  private long since;

  StoreTrouble(Logger log) {
    this.log = log;
  }

  void failed(String what, Throwable cause) {
    if (failing) {
      failures++;
      return;
    }
    failing = true;
    failures = 1;
    since = System.currentTimeMillis();
    log.warn("presence store failing ({}): {}; further failures are counted until it answers again", what,
        String.valueOf(cause));
  }

  void answered() {
    if (failing) {
      failing = false;
      log.info("presence store answering again after {} ms; {} requests failed meanwhile",
          System.currentTimeMillis() - since, failures);
    }
  }
}
