package dev.herald.bench;

import java.util.concurrent.TimeUnit;

/**
 * {@code idle}: the server's RSS before any connection (the baseline), then N idle SSE streams
 * opened and held; RSS per connection beyond the baseline, after settling and again at the end.
 */
final class IdleMode {
  private IdleMode() {
  }

  static Report run(Run run) throws InterruptedException {
    Options o = run.options;
    int n = (int) o.num("subscribers", 1000);
    int channels = (int) o.num("channels");
    long settleMillis = run.millis("settle", 3);
    long holdNanos = TimeUnit.SECONDS.toNanos(o.num("duration", 10));
    Checks.positive("subscribers", n);
    Checks.positive("channels", channels);
    if (run.serverPids.isEmpty()) {
      throw new IllegalArgumentException("idle measures the server's memory: give --server-pid");
    }
    run.checkOpenFiles(n);
    String[] names = run.channelNames(channels);
    Report r = run.head();
    r.put("subscribers", "idle streams", n, "")
        .put("channels", "channels", channels, "")
        .put("duration_s", "held for", holdNanos / 1_000_000_000L, "s");

    SubscriberPool pool = new SubscriberPool(run.net, run.targets, n, channels, 1, names, o.str("sub-path"),
        o.str("channel-sep"), TimeUnit.SECONDS.toNanos(o.num("connect-timeout")), 0);
    ProcStats.Snapshot base = run.server();
    Meter meter = Meter.start(run);
    Bench.log("baseline RSS %,d KiB; connecting %,d idle streams", base.rssKib(), n);
    long t0 = System.nanoTime();
    SubscriberPool.Round round = pool.connectAll((int) o.num("connect-concurrency"),
        TimeUnit.SECONDS.toNanos(o.num("connect-timeout") + 30));
    Connects.addTo(r, round, pool);
    Thread.sleep(settleMillis);
    ProcStats.Snapshot settled = run.server();
    int openSettled = pool.open();
    long remaining = holdNanos - (System.nanoTime() - t0);
    if (remaining > 0) {
      Thread.sleep(TimeUnit.NANOSECONDS.toMillis(remaining));
    }
    ProcStats.Snapshot end = run.server();
    int openEnd = pool.open();
    meter.end(run, r, Math.max(1, openEnd), "connection");
    pool.stop();
    pool.closeAll(true, TimeUnit.SECONDS.toNanos(10));
    run.net.barrier();

    r.section("memory per idle connection")
        .put("baseline_rss_kib", "server RSS before connecting", base.rssKib(), "KiB")
        .put("settled_rss_kib", "RSS " + settleMillis / 1000.0 + " s after the last connect", settled.rssKib(), "KiB")
        .put("end_rss_kib", "RSS at the end", end.rssKib(), "KiB")
        .put("open_settled", "streams open then", openSettled, "")
        .put("open_at_end", "streams open at the end", openEnd, "")
        .put("rss_per_conn_bytes", "RSS per connection (settled)",
            openSettled == 0 ? 0 : (settled.rssKib() - base.rssKib()) * 1024 / openSettled, "bytes")
        .put("rss_per_conn_end_bytes", "RSS per connection (end)",
            openEnd == 0 ? 0 : (end.rssKib() - base.rssKib()) * 1024 / openEnd, "bytes");
    boolean ok = round.failed() == 0 && openEnd == n;
    if (openEnd < openSettled) {
      r.note((openSettled - openEnd) + " idle streams closed while held: " + pool.failures());
    }
    return r.json("ok", ok);
  }
}
