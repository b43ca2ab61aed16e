package dev.herald.bench;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code fanout}: N subscribers over M channels, events published at a rate for T seconds, then
 * deliveries, integrity, latency and CPU per delivery. {@code publish}: the same engine with no
 * subscribers by default and no rate bound: publishes per second under a bounded number in flight.
 */
final class FanoutMode {
  private FanoutMode() {
  }

  /** Waits until every open-once subscriber has every stored event of its channels, at most {@code maxNanos}. */
  private static void drain(Run run, SubscriberPool pool, Publisher pub, long maxNanos) throws InterruptedException {
    run.net.barrier();
    long expected = 0;
    for (Subscriber s : pool.subscribers()) {
      if (s.everOpened()) {
        for (int c : s.channels()) {
          expected += pub.stored(c);
        }
      }
    }
    long deadline = System.nanoTime() + maxNanos;
    while (run.net.distinct() < expected && System.nanoTime() - deadline < 0) {
      Thread.sleep(5);
    }
  }

  /** Waits until wall-clock {@code atMillis} (0: not at all); a process that got there late says how late. */
  private static void awaitStart(Report r, long atMillis) throws InterruptedException {
    if (atMillis <= 0) {
      return;
    }
    long wait = atMillis - System.currentTimeMillis();
    if (wait < 0) {
      r.json("start_late_ms", -wait);
      r.note(String.format(Locale.ROOT, "started %,d ms after --start-at: connecting took longer", -wait));
      return;
    }
    Bench.log("connected: starting at --start-at, in %,d ms", wait);
    Thread.sleep(wait);
    r.json("start_late_ms", 0);
  }

  static Report run(Run run, boolean publishMode) throws InterruptedException {
    Options o = run.options;
    int n = (int) o.num("subscribers", publishMode ? 0 : 1000);
    int channels = (int) o.num("channels");
    int perSub = (int) o.num("channels-per-sub");
    double rate = o.num("rate", publishMode ? 0 : 100);
    long durationNanos = TimeUnit.SECONDS.toNanos(o.num("duration", 10));
    int pubConns = (int) o.num("pub-conns");
    int depth = (int) o.num("pipeline");
    int batch = (int) o.num("batch");
    Checks.positive("channels", channels);
    Checks.range("channels-per-sub", perSub, 1, channels);
    Checks.range("batch", batch, 1, 1000);
    Checks.range("pipeline", depth, 1, 1024);
    Checks.range("pub-conns", pubConns, 1, 1024);
    Checks.range("subscribers", n, publishMode ? 0 : 1, Integer.MAX_VALUE);
    if (rate <= 0 && !publishMode && n > 0) {
      Bench.log("rate 0: publishing as fast as %d in flight allow", pubConns * depth);
    }
    run.checkOpenFiles((long) n + pubConns);
    String[] names = run.channelNames(channels);

    Report r = run.head();
    r.put("subscribers", "subscribers", n, "")
        .put("channels", "channels", channels, "")
        .put("channels_per_sub", "channels per subscriber", perSub, "")
        .put("rate_target", "publish rate asked", (long) rate, rate > 0 ? "events/s" : "(as fast as possible)")
        .put("duration_s", "publishing for", durationNanos / 1_000_000_000L, "s")
        .json("pub_conns", Math.min(pubConns, channels))
        .json("pipeline", depth)
        .json("batch", batch)
        .json("payload_bytes", o.num("payload-bytes"));

    SubscriberPool pool = new SubscriberPool(run.net, run.targets, n, channels, perSub, names, o.str("sub-path"),
        o.str("channel-sep"), TimeUnit.SECONDS.toNanos(o.num("connect-timeout")), o.num("reconnect-delay"));
    ProcStats.Snapshot beforeConnect = run.server();
    if (n > 0) {
      Bench.log("connecting %,d subscribers over %,d channel(s)", n, channels);
      SubscriberPool.Round round = pool.connectAll((int) o.num("connect-concurrency"),
          TimeUnit.SECONDS.toNanos(o.num("connect-timeout") + 30));
      Connects.addTo(r, round, pool);
      if (round.connected() == 0) {
        r.note("no subscriber connected: " + pool.failures());
        return r.json("ok", false);
      }
    }
    ProcStats.Snapshot afterConnect = run.server();

    Publisher pub = new Publisher(run.net, run.pubTarget, names, pubConns, depth,
        new Publisher.Format(o.str("pub-path"), o.str("batch-path"), !"raw".equals(o.str("pub-format")), batch,
            (int) o.num("payload-bytes")));
    awaitStart(r, o.num("start-at")); // before the publisher connects: a server may close an idle keep-alive one
    pub.connect(run.net);
    long warmupSeconds = o.num("warmup");
    if (warmupSeconds > 0) {
      Bench.log("warming up for %d s", warmupSeconds);
      pub.begin(rate, TimeUnit.SECONDS.toNanos(warmupSeconds));
      if (!pub.awaitDone(TimeUnit.SECONDS.toNanos(warmupSeconds + 30))) {
        pub.halt();
        pub.awaitDone(TimeUnit.SECONDS.toNanos(10));
      }
      drain(run, pool, pub, TimeUnit.SECONDS.toNanos(o.num("drain")));
      run.net.resetLatency();
    }
    run.net.barrier();
    long storedBefore = pub.storedTotal();
    long distinctBefore = run.net.distinct();
    Meter meter = Meter.start(run);
    long t0 = System.nanoTime();
    Bench.log("publishing %s for %d s", rate > 0 ? String.format(Locale.ROOT, "%,.0f events/s", rate)
        : "as fast as possible", durationNanos / 1_000_000_000L);
    pub.begin(rate, durationNanos);
    long nextLog = t0 + TimeUnit.SECONDS.toNanos(5);
    while (!pub.awaitDone(TimeUnit.MILLISECONDS.toNanos(200))) {
      long now = System.nanoTime();
      if (now - nextLog >= 0) {
        Bench.log("%4.1f s: delivered %,d", (now - t0) / 1e9, run.net.distinct() - distinctBefore);
        nextLog += TimeUnit.SECONDS.toNanos(5);
      }
      if (now - t0 > durationNanos + TimeUnit.SECONDS.toNanos(30)) {
        pub.halt();
        if (!pub.awaitDone(TimeUnit.SECONDS.toNanos(10))) {
          r.note("some publishes were never answered");
        }
        break;
      }
    }
    long t1 = System.nanoTime();
    run.net.barrier();
    long stored = pub.storedTotal() - storedBefore;
    drain(run, pool, pub, TimeUnit.SECONDS.toNanos(o.num("drain")));
    long lastDelivery = run.net.lastDeliveryNanos();
    int openAtEnd = pool.open();
    pool.stop();
    Tally tally;
    LogHistogram latency;
    run.net.barrier();
    tally = Tally.of(pool, pub::stored);
    latency = run.net.latency();
    long delivered = tally.distinct() - distinctBefore;
    long units = n > 0 ? delivered : stored;
    meter.end(run, r, units, n > 0 ? "delivery" : "publish");
    pool.closeAll(true, TimeUnit.SECONDS.toNanos(10));
    pub.close();
    run.net.barrier();

    double pubSeconds = (t1 - t0) / 1e9;
    long[] reqs = pub.requestCounts();
    r.section("publishing")
        .put("published", "events stored (2xx) while measured", stored, "")
        .json("published_total", pub.storedTotal())
        .put("publish_errors", "events refused or lost", pub.failedTotal(), "")
        .put("publish_rate", "publish rate achieved", Report.round(stored / pubSeconds, 1), "events/s")
        .json("requests_per_s", Report.round(reqs[0] / pubSeconds, 1))
        .json("requests_ok", reqs[0])
        .json("requests_error", reqs[1])
        .json("requests_connection_lost", reqs[2])
        .json("error_statuses", pub.errorStatuses())
        .latency("publish_latency", "publish answered in", pub.latency());
    if (n > 0) {
      long windowNanos = (lastDelivery != 0 ? lastDelivery : t1) - t0;
      tally.addTo(r);
      r.section("delivery")
          .put("deliveries_measured", "delivered while measured", delivered, "")
          .put("deliveries_per_s", "deliveries per second", Report.round(delivered / (windowNanos / 1e9), 1), "")
          .put("delivery_window_s", "first publish to last delivery", Report.round(windowNanos / 1e9, 3), "s")
          .put("subscribers_open_at_end", "streams open at the end", openAtEnd, "")
          .latency("latency", "latency", latency);
      if (o.bool("latency-buckets")) {
        r.json("latency_buckets", latency.buckets());
      }
    }
    if (warmupSeconds > 0) {
      r.json("warmup_s", warmupSeconds);
    }
    if (afterConnect != null) {
      r.json("server_rss_kib_connected", afterConnect.rssKib());
      r.json("server_connect_cpu_ms", afterConnect.minus(beforeConnect).cpuMillis());
    }
    if (pub.lanesLost() > 0) {
      r.note(pub.lanesLost() + " publisher connection(s) closed during the run; their channels stopped early");
    }
    boolean ok = (n == 0 || tally.clean()) && pub.failedTotal() == 0 && reqs[2] == 0 && pub.lanesLost() == 0
        && (n == 0 || ((Number) r.get("connect_failed")).longValue() == 0);
    return r.json("ok", ok);
  }
}
