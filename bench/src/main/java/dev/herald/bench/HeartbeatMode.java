package dev.herald.bench;

import java.util.concurrent.TimeUnit;

/** {@code heartbeat}: S sessions started once, then beaten at a total rate for T seconds. */
final class HeartbeatMode {
  private HeartbeatMode() {
  }

  static Report run(Run run) throws InterruptedException {
    Options o = run.options;
    int sessions = (int) o.num("sessions");
    int conns = (int) o.num("hb-conns");
    int depth = (int) o.num("pipeline");
    double rate = o.num("rate", 1000);
    long durationNanos = TimeUnit.SECONDS.toNanos(o.num("duration", 10));
    Checks.positive("sessions", sessions);
    Checks.range("hb-conns", conns, 1, 1024);
    Checks.range("pipeline", depth, 1, 1024);
    run.checkOpenFiles(conns);
    Report r = run.head();
    r.put("sessions", "sessions", sessions, "")
        .put("rate_target", "beat rate asked", (long) rate, rate > 0 ? "beats/s" : "(as fast as possible)")
        .put("duration_s", "beating for", durationNanos / 1_000_000_000L, "s")
        .json("hb_conns", Math.min(conns, sessions))
        .json("pipeline", depth);

    Heartbeats hb = new Heartbeats(run.net, run.targets, sessions, conns, depth,
        new Heartbeats.Paths(o.str("hb-start-path"), o.str("hb-path"), o.str("hb-cookie")));
    hb.connect(run.net);
    Bench.log("starting %,d sessions", sessions);
    long s0 = System.nanoTime();
    boolean started = hb.startAll(TimeUnit.SECONDS.toNanos(120));
    long startNanos = System.nanoTime() - s0;
    run.net.barrier();
    long[] sc = hb.startCounts();
    r.section("sessions")
        .put("started", "started (cookie received)", sc[0], "of " + sessions)
        .put("start_errors", "start errors", sc[1], "")
        .put("start_s", "time to start all", Report.round(startNanos / 1e9, 3), "s")
        .put("starts_per_s", "starts per second", Report.round(sc[0] / (startNanos / 1e9), 1), "")
        .latency("start_latency", "start answered in", hb.startLatency());
    if (!started || sc[0] == 0) {
      r.note("not every session start was answered");
      hb.close();
      return r.json("ok", false);
    }
    long warmupSeconds = o.num("warmup");
    if (warmupSeconds > 0) {
      Bench.log("warming up for %d s", warmupSeconds);
      hb.beat(rate, TimeUnit.SECONDS.toNanos(warmupSeconds));
      hb.awaitBeats(TimeUnit.SECONDS.toNanos(warmupSeconds + 30));
      hb.resetBeats();
      r.json("warmup_s", warmupSeconds);
    }
    Meter meter = Meter.start(run);
    Bench.log("beating at %s for %d s", rate > 0 ? (long) rate + "/s" : "full speed", durationNanos / 1_000_000_000L);
    long b0 = System.nanoTime();
    hb.beat(rate, durationNanos);
    boolean finished = hb.awaitBeats(durationNanos + TimeUnit.SECONDS.toNanos(30));
    long beatNanos = System.nanoTime() - b0;
    run.net.barrier();
    long[] bc = hb.beatCounts();
    meter.end(run, r, bc[0], "beat");
    hb.close();
    r.section("beats")
        .put("beats_ok", "beats answered 2xx", bc[0], "")
        .put("beats_not_connected", "beats answered 404 (session gone)", bc[1], "")
        .put("beat_errors", "other errors", bc[2], "")
        .put("beats_connection_lost", "lost with their connection", bc[3], "")
        .put("beats_per_s", "beats per second achieved", Report.round(bc[0] / (beatNanos / 1e9), 1), "")
        .json("error_statuses", hb.errorStatuses())
        .latency("beat_latency", "beat answered in", hb.beatLatency());
    if (!finished) {
      r.note("some beats were never answered");
    }
    return r.json("ok", finished && sc[1] == 0 && bc[1] == 0 && bc[2] == 0 && bc[3] == 0);
  }
}
