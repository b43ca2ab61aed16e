package dev.herald.bench;

import java.util.concurrent.TimeUnit;

/**
 * {@code replay-storm}: N subscribers receive one event per channel (so each has a last id), all
 * disconnect, K events per channel are published, then all resume at once with their last id.
 * Reports the time until every subscriber has caught up, against the time the K events took to
 * publish, and that none was lost, doubled or reordered.
 */
final class ReplayStormMode {
  private ReplayStormMode() {
  }

  static Report run(Run run) throws InterruptedException {
    Options o = run.options;
    int n = (int) o.num("subscribers", 1000);
    int channels = (int) o.num("channels");
    int perSub = (int) o.num("channels-per-sub");
    long missed = o.num("missed");
    int depth = (int) o.num("pipeline");
    double rate = o.num("rate", 0);
    Checks.positive("subscribers", n);
    Checks.positive("channels", channels);
    Checks.range("channels-per-sub", perSub, 1, channels);
    Checks.positive("missed", missed);
    run.checkOpenFiles((long) n + o.num("pub-conns"));
    String[] names = run.channelNames(channels);
    long connectTimeout = TimeUnit.SECONDS.toNanos(o.num("connect-timeout") + 30);
    Report r = run.head();
    r.put("subscribers", "subscribers", n, "")
        .put("channels", "channels", channels, "")
        .put("channels_per_sub", "channels per subscriber", perSub, "")
        .put("missed_per_channel", "events missed per channel", missed, "")
        .put("rate_target", "missed events published at", (long) rate, rate > 0 ? "events/s" : "(as fast as possible)");

    SubscriberPool pool = new SubscriberPool(run.net, run.targets, n, channels, perSub, names, o.str("sub-path"),
        o.str("channel-sep"), TimeUnit.SECONDS.toNanos(o.num("connect-timeout")), 0);
    Bench.log("connecting %,d subscribers", n);
    SubscriberPool.Round first = pool.connectAll((int) o.num("connect-concurrency"), connectTimeout);
    Connects.addTo(r, first, pool);
    if (first.failed() > 0) {
      return r.json("ok", false);
    }
    Publisher pub = new Publisher(run.net, run.pubTarget, names, (int) o.num("pub-conns"), depth,
        new Publisher.Format(o.str("pub-path"), o.str("batch-path"), !"raw".equals(o.str("pub-format")), 1,
            (int) o.num("payload-bytes")));
    pub.connect(run.net);

    // 1. one event per channel, so every subscriber has a last id
    pub.limitPerChannel(1, run.net);
    pub.begin(0, Long.MAX_VALUE);
    pub.awaitDone(TimeUnit.SECONDS.toNanos(30));
    long want = (long) n * perSub;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (run.net.distinct() < want && System.nanoTime() - deadline < 0) {
      Thread.sleep(5);
    }
    if (run.net.distinct() < want) {
      r.note("only " + run.net.distinct() + " of " + want + " first events arrived; the storm would not be fair");
      pool.stop();
      pool.closeAll(true, TimeUnit.SECONDS.toNanos(10));
      return r.json("ok", false);
    }

    // 2. everyone leaves
    pool.closeAll(false, TimeUnit.SECONDS.toNanos(30));
    Bench.log("all %,d disconnected; publishing %,d events per channel", n, missed);

    // 3. the events they miss, as fast as possible or at --rate
    pub.limitPerChannel(missed, run.net);
    long p0 = System.nanoTime();
    pub.begin(rate, Long.MAX_VALUE);
    if (!pub.awaitDone(TimeUnit.SECONDS.toNanos(120))) {
      r.note("publishing the missed events did not finish in 120 s");
    }
    long publishNanos = System.nanoTime() - p0;
    run.net.barrier();
    long storedPerChannelMax = 0;
    for (int c = 0; c < channels; c++) {
      storedPerChannelMax = Math.max(storedPerChannelMax, pub.stored(c));
    }

    // 4. all resume at once with their last id
    for (Subscriber s : pool.subscribers()) {
      s.watchCatchUp(storedPerChannelMax);
    }
    run.net.resetDeliveries();
    Meter meter = Meter.start(run);
    Bench.log("resuming %,d subscribers at once", n);
    long s0 = System.nanoTime();
    SubscriberPool.Round resume = pool.connectAll((int) o.num("resume-concurrency"), connectTimeout);
    long catchDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.num("drain") + 60);
    while (run.net.caughtUp() < resume.connected() && System.nanoTime() - catchDeadline < 0) {
      Thread.sleep(1);
    }
    run.net.barrier();
    long replayed = run.net.distinct();
    LogHistogram perSubMicros = new LogHistogram();
    long last = s0;
    for (Subscriber s : pool.subscribers()) {
      long t = s.caughtUpNanos();
      if (t != 0) {
        perSubMicros.record((t - s0) / 1000);
        if (t - last > 0) {
          last = t;
        }
      }
    }
    meter.end(run, r, replayed, "replayed_delivery");
    pool.stop();
    pool.closeAll(true, TimeUnit.SECONDS.toNanos(10));
    pub.close();
    run.net.barrier();
    Tally tally = Tally.of(pool, pub::stored);

    Connects.addTo(r, resume, pool, "resume", "resumed", "resume (all at once, with Last-Event-ID)");
    long caughtUp = perSubMicros.count();
    double catchUpS = (last - s0) / 1e9;
    r.section("replay storm")
        .put("publish_missed_s", "publishing the missed events took", Report.round(publishNanos / 1e9, 3), "s")
        .put("caught_up", "subscribers caught up", caughtUp, "of " + n)
        .put("catch_up_s", "resume to all caught up", Report.round(catchUpS, 3), "s")
        .put("catch_up_vs_publish", "catch-up / publish time", Report.round(catchUpS / (publishNanos / 1e9), 3), "")
        .put("replayed", "events replayed (distinct)", replayed, "")
        .put("replay_per_s", "replayed per second", Report.round(replayed / Math.max(1e-9, catchUpS), 1), "")
        .put("catch_up_p50_ms", "one subscriber caught up p50", Report.round(perSubMicros.percentile(50) / 1000.0, 1), "ms")
        .put("catch_up_p99_ms", "one subscriber caught up p99", Report.round(perSubMicros.percentile(99) / 1000.0, 1), "ms");
    tally.addTo(r);
    boolean ok = tally.clean() && caughtUp == n && resume.failed() == 0 && tally.gaps() == 0;
    if (tally.gaps() > 0) {
      r.note(tally.gaps() + " herald.gap events: history did not hold the missed events (history.maxEvents?)");
    }
    return r.json("ok", ok);
  }
}
