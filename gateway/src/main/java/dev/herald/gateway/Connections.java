package dev.herald.gateway;

import dev.herald.gateway.config.HeraldConfig;
import dev.herald.sse.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP connections, counted across every event loop against {@code http.maxConnections}
 * (docs/operations.md#the-http-edge); each loop's {@link ConnectionGuard} keeps its own connections' timers.
 * Past the cap a loop first closes its longest-idle connection to make room; when none is idle the new
 * connection is served for {@code /health/*} and {@code /metrics} only; and a socket accepted while the node
 * holds more sockets still, a quarter of the way to the open-file limit, is closed at once ({@link #admit}). So the process
 * never runs out of files because of clients, and its probes get through.
 */
final class Connections {
  /** Room above the cap, at least, for connections served for {@code /health/*} and {@code /metrics} only. */
  static final int OVERFLOW = 32;
  /** Files kept for the node's own use below the open-file limit (at least this, or a tenth of the limit). */
  static final int FILE_MARGIN = 256;
  /** At most one log line per cause in this interval. */
  static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
  private static final RateLimitedLog LIMITED = new RateLimitedLog(LOG, LOG_INTERVAL);

  private final int max;
  /**
   * Sockets held at most, open, accepted, or closed with their file not yet released: a quarter of the way
   * from the cap to the open-file limit, at least the overflow. The rest of the way is for the node's own files.
   */
  private final int ceiling;
  private final long requestTimeoutMs;
  private final long idleTimeoutMs;
  private final AtomicInteger open = new AtomicInteger();
  /**
   * Sockets closed whose file may not be released yet: on Java NIO (the fall-back transport) a socket closed
   * while registered with its loop's selector keeps its file until that loop selects again, and a loop busy
   * with a burst (closing an idle connection for each new one) held hundreds so. {@link #admit} counts them
   * until their loop's next turn (on epoll the file goes at once: the count is then a turn late, no more).
   */
  private final AtomicInteger unreleased = new AtomicInteger();
  /** Sockets accepted and not yet seen by their event loop. */
  private final AtomicInteger pending = new AtomicInteger();
  /** Completed once the gate of {@link #admit} sits on the server socket. */
  private final Promise<Void> gated = Promise.promise();
  private final Counter refused;
  private final Counter evicted;
  private final Counter timedOut;

  Connections(HeraldConfig.Http http, long fileLimit, MeterRegistry registry) {
    this.max = maxConnections(http.maxConnections(), fileLimit);
    long room = fileLimit > 0 ? (fileLimit - max) / 4 : 0;
    this.ceiling = (int) Math.min(Integer.MAX_VALUE, max + Math.max(OVERFLOW, room));
    this.requestTimeoutMs = http.requestTimeout().toMillis();
    this.idleTimeoutMs = http.idleTimeout().toMillis();
    Gauge.builder("herald.http.connections", open, AtomicInteger::get)
        .description("HTTP connections open on this node").register(registry);
    this.refused = counter(registry, "refused", "connections closed as they were accepted: the node held "
        + "http.maxConnections and more, a quarter of the way to its open-file limit");
    this.evicted = counter(registry, "evicted", "idle connections closed to make room for a new one past "
        + "http.maxConnections");
    this.timedOut = counter(registry, "timed.out", "connections closed because a request did not arrive in "
        + "http.requestTimeout or nothing happened for http.idleTimeout");
  }

  private static Counter counter(MeterRegistry registry, String name, String description) {
    return Counter.builder("herald.http.connections." + name).description(description).register(registry);
  }

  /**
   * The connection cap: {@code configured}, or when it is {@code 0} the open-file limit less a margin for the
   * node's own files (a tenth of the limit, at least {@value #FILE_MARGIN}). A configured cap that leaves no
   * room below the limit for the overflow and the node's own files is refused.
   *
   * @param fileLimit the process's open-file limit, or a negative number when unknown
   */
  static int maxConnections(int configured, long fileLimit) {
    if (configured > 0) {
      if (fileLimit > 0 && configured + OVERFLOW + 64 > fileLimit) {
        throw new IllegalArgumentException("http.maxConnections (" + configured + ") must leave room below the "
            + "process's open-file limit (" + fileLimit + ") for " + OVERFLOW + " health-probe connections and "
            + "the node's own files: at most " + (fileLimit - OVERFLOW - 64) + ", or raise the limit (ulimit -n)");
      }
      return configured;
    }
    if (fileLimit <= 0) {
      return 10_000;
    }
    long margin = Math.max(FILE_MARGIN, fileLimit / 10);
    return (int) Math.min(100_000_000, Math.max(16, fileLimit - margin));
  }

  /** The process's open-file limit ({@code ulimit -n}), or {@code -1} when the JVM cannot tell. */
  static long fileLimit() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return -1;
  }

  int max() {
    return max;
  }

  long requestTimeoutMs() {
    return requestTimeoutMs;
  }

  long idleTimeoutMs() {
    return idleTimeoutMs;
  }

  /**
   * On the accepting thread, for each accepted socket: false when the node holds its ceiling of sockets already
   * (a quarter of the way from the cap to the open-file limit, counting sockets accepted but not yet seen by their loop, so
   * a burst of connections cannot outrun the loops that close idle ones): the socket is then closed at once,
   * without an answer, and the process keeps its files.
   */
  boolean admit() {
    if (open.get() + unreleased.get() + pending.incrementAndGet() > ceiling) {
      pending.decrementAndGet();
      refused.increment();
      LIMITED.warn("refused", "refused connections as they came: " + open.get() + " are open, http.maxConnections "
          + "is " + max + " and the node keeps the rest of its open-file limit for itself");
      return false;
    }
    return true;
  }

  /** Told by the first connection's loop that the gate of {@link #admit} is in place. */
  void markGated() {
    gated.tryComplete();
  }

  /** Completes once the gate of {@link #admit} is in place: the node connects to itself at start for it. */
  Future<Void> whenGated() {
    return gated.future();
  }

  /**
   * Counts a new connection on its loop; answers how many are open with it.
   *
   * @param admitted whether {@link #admit} counted it as it was accepted
   */
  int opened(boolean admitted) {
    if (admitted) {
      pending.decrementAndGet();
    }
    return open.incrementAndGet();
  }

  /** A connection closed; its file is held until {@link #released}. */
  void closed() {
    unreleased.incrementAndGet();
    open.decrementAndGet();
  }

  /** The file of a closed connection is free again: its loop has selected since it closed. */
  void released() {
    unreleased.decrementAndGet();
  }

  int open() {
    return open.get();
  }

  void evicted(String remote) {
    evicted.increment();
    LIMITED.info("evicted", "closed the idle connection of " + remote + " to make room: http.maxConnections (" + max
        + ") reached");
  }

  void timedOut(String remote, String why) {
    timedOut.increment();
    // a browser's unused preconnection ends this way too: normal, so not logged unless asked for
    LOG.debug("closed the connection of {}: {}", remote, why);
  }

  /** A request the HTTP layer could not read (too long, malformed), answered and its connection closed. */
  void malformed(String remote, int status, String slug) {
    LIMITED.info("malformed", "refused a request from " + remote + " that could not be read: " + status + " " + slug);
  }

  /** A failed {@code accept()} or another I/O failure of a server socket: the process is out of files, say. */
  static void acceptFailed(java.io.IOException cause) {
    LIMITED.warn("accept", "a server socket failed: " + cause.getMessage() + "; if the process is out of files, raise "
        + "its open-file limit (ulimit -n) or lower http.maxConnections");
  }
}
