package dev.herald.gateway.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checks after a kill or drain chaos run: the store holds each channel in sequence from 1, then the
 * {@link HistoryCheck} of every client's record (G4: every acknowledged publish is in the history; G1: every
 * subscriber got each of its channels' events exactly once, in order, joined across its reconnects, and no
 * {@code herald.gap}; G3: every session life got exactly one disconnect), and, stricter than a partition
 * allows, every observer heard each session's connect and disconnect once — those of clients that died
 * with the node from the survivors' purge, within {@code expireDelay + purgeDelay}. Each is also a figure.
 */
final class ChaosChecks {
  private ChaosChecks() {
  }

  /**
   * Runs every check after the fault; {@code faultAt} is when the victim was killed or told to drain.
   * Publishers must be stopped already.
   */
  static void verify(ChaosRun run, HeraldProcess victim, long faultAt) {
    run.figures.put("publish attempts failed, then retried", run.publishers.stream().mapToInt(p -> p.failures.size())
        .sum());
    run.figures.put("publish attempts failed, first", run.publishers.stream().flatMap(p -> p.failures.stream())
        .findFirst().orElse("-"));
    HistoryCheck.Report report = run.settleAndCheck(new HistoryCheck(0, List.of()));
    run.settled.forEach((ch, events) -> {
      for (int i = 0; i < events.size(); i++) {
        assertEquals(i + 1, ChaosRun.seq(events.get(i).getString("id")), ch + ": history in sequence from 1");
      }
    });
    subscriberFigures(run, victim, faultAt);
    assertTrue(report.clean(), () -> "violations:\n" + report.violations() + "see " + run.dir);
    checkPresence(run, ChaosRun.await(run.sessions.onContext(run.sessions::all)), victim);
  }

  private static void subscriberFigures(ChaosRun run, HeraldProcess victim, long faultAt) {
    int hops = 0;
    int serverEnds = 0;
    int streams = 0;
    List<String> failures = new ArrayList<>();
    long worstRecovery = 0;
    for (ChaosSubscriber s : run.subscribers) {
      hops += s.hops;
      serverEnds += s.serverEnds;
      streams += s.streams;
      failures.addAll(s.failures);
      for (ChaosSubscriber.Recovery r : s.recoveries) {
        if (r.at() >= faultAt && victim.name.equals(r.from())) {
          worstRecovery = Math.max(worstRecovery, r.ms());
        }
      }
    }
    run.figures.put("events caught up from history (bus not yet routed)",
        run.counter("herald_sse_catchup_events_total"));
    run.figures.put("streams opened", streams);
    run.figures.put("planned hops to another node", hops);
    run.figures.put("streams ended by the server or network", serverEnds);
    run.figures.put("failed reconnects", failures.size());
    run.figures.put("time to recover: slowest reconnect of a stream the fault ended (ms)", worstRecovery);
    run.figures.put("failed reconnects, first", failures.isEmpty() ? "-" : failures.get(0));
  }

  /** Every observer heard each session once each way; the victim's clients' sessions timed out in time. */
  private static void checkPresence(ChaosRun run, Map<String, ChaosSessions.Client> all, HeraldProcess victim) {
    long worstPurge = 0;
    int victims = 0;
    for (ChaosObserver o : run.observers) {
      for (Map.Entry<String, ChaosSessions.Client> e : all.entrySet()) {
        String id = e.getKey();
        assertEquals(1, o.count(id, "connect"), "one connect for " + id + " on " + o.node.name);
        assertEquals(1, o.count(id, "disconnect"), "exactly one disconnect for " + id + " on " + o.node.name + " (G3)");
        ChaosSessions.Client c = e.getValue();
        if (c.home == victim) {
          ChaosObserver.Heard d = o.sessions.get(id).stream().filter(h -> h.type().equals("disconnect")).findFirst()
              .orElseThrow();
          assertEquals("timeout", d.reason(), "a session whose client died with its node times out");
          worstPurge = Math.max(worstPurge, d.at() - c.lastBeatOk);
          victims++;
        }
      }
    }
    assertEquals(List.of(), run.sessions.failures, "roaming sessions stayed connected and stopped cleanly");
    run.figures.put("sessions (connect, then exactly one disconnect)", all.size());
    run.figures.put("sessions of clients gone with the node", victims / run.observers.size());
    run.figures.put("their disconnect after the last beat (ms)", worstPurge);
    long bound = ChaosRun.EXPIRE.plus(ChaosRun.PURGE).toMillis();
    run.figures.put("expireDelay + purgeDelay (ms)", bound);
    // G3's bound, with room for a loaded machine: the purge runs every purgeDelay on every survivor.
    assertTrue(worstPurge <= bound + 10_000, "purged within expireDelay + purgeDelay (+ slack): " + worstPurge);
  }
}
