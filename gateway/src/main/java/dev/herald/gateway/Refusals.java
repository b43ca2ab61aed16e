package dev.herald.gateway;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per cause and interval for refusals that a client can repeat at will (the abuse bounds):
 * the first refusal of a cause is logged, then at most one line per {@value #INTERVAL_MS} ms with how many
 * were refused meanwhile. Never logs a token or a credential: callers give the client key and the bound.
 */
final class Refusals {
  static final long INTERVAL_MS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);

  private final String what;
  private final AtomicLong nextAt = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();

  /** @param what the cause, e.g. {@code "streams per client (auth.maxStreamsPerClient)"} */
  Refusals(String what) {
    this.what = what;
  }

  /** Counts a refusal of {@code client}; logs it unless a line for this cause went out less than the interval ago. */
  void refused(String client, int bound) {
    long now = System.currentTimeMillis();
    long next = nextAt.get();
    if (now >= next && nextAt.compareAndSet(next, now + INTERVAL_MS)) {
      long more = suppressed.getAndSet(0);
      LOG.warn("refused (429): {} at its bound of {} for {}{}", what, bound, client,
          more == 0 ? "" : "; " + more + " more refusals of this kind in the last " + INTERVAL_MS / 1000 + " s");
    } else {
      suppressed.incrementAndGet();
    }
  }
}
