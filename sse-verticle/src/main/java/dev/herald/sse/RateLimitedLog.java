package dev.herald.sse;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;

/**
 * Logs events that come in floods — refused connections, evicted streams, a resource limit reached — at
 * most once per interval and cause (docs/operations.md#logs): the first event of a cause is logged at once,
 * the ones that follow within the interval are only counted, and the next line logged for that cause says
 * how many there were. Never with a stack trace: these are expected events, and their exact numbers are in
 * the node's metrics. Safe to call from any thread.
 */
public final class RateLimitedLog {
  private final Logger log;
  private final long intervalNanos;
  private final ConcurrentMap<String, Cause> causes = new ConcurrentHashMap<>();

  private static final class Cause {
    long lastLogged;
    long suppressed;
    boolean logged;
  }

  public RateLimitedLog(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  /** Logs {@code line} at WARN unless a line of {@code cause} was logged within the interval. */
  public void warn(String cause, String line) {
    String out = admit(cause, line);
    if (out != null) {
      log.warn(out);
    }
  }

  /** Logs {@code line} at INFO unless a line of {@code cause} was logged within the interval. */
  public void info(String cause, String line) {
    String out = admit(cause, line);
    if (out != null) {
      log.info(out);
    }
  }

  /** The line to log now (with the count of the events not logged since the last one), or null. */
  private String admit(String cause, String line) {
    Cause c = causes.computeIfAbsent(cause, k -> new Cause());
    long suppressed;
    synchronized (c) {
      long now = System.nanoTime();
      if (c.logged && now - c.lastLogged < intervalNanos) {
        c.suppressed++;
        return null;
      }
      suppressed = c.suppressed;
      c.suppressed = 0;
      c.lastLogged = now;
      c.logged = true;
    }
    return suppressed == 0 ? line : line + " (and " + suppressed + " more since the last such line; logged at most "
        + "once per " + Duration.ofNanos(intervalNanos).toSeconds() + " s)";
  }
}
