package dev.herald.bench;

/** The report rows of a round of subscriber connects. */
final class Connects {
  private Connects() {
  }

  static void addTo(Report r, SubscriberPool.Round round, SubscriberPool pool) {
    addTo(r, round, pool, "connect", "connected", "subscribers");
  }

  static void addTo(Report r, SubscriberPool.Round round, SubscriberPool pool, String prefix, String okKey,
      String title) {
    r.section(title)
        .put(okKey, "connected (200 + headers)", round.connected(), "of " + round.attempted())
        .put(prefix + "_failed", "failed", round.failed(), "")
        .put(prefix + "_ms", "time to connect all", Report.round(round.wallNanos() / 1e6, 1), "ms")
        .put(prefix + "_p50_ms", "one connect p50", Report.round(round.connectMicros().percentile(50) / 1000.0, 2), "ms")
        .put(prefix + "_p99_ms", "one connect p99", Report.round(round.connectMicros().percentile(99) / 1000.0, 2), "ms")
        .json(prefix + "_max_ms", Report.round(round.connectMicros().max() / 1000.0, 2));
    if (round.failed() > 0) {
      r.json(prefix + "_failures", pool.failures());
      r.note(round.failed() + " of " + round.attempted() + " connects failed: " + pool.failures());
    }
  }
}
