package dev.herald.gateway.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks after a chaos run, each also a figure: G4 (every acknowledged publish is in the history),
 * G1 (every subscriber got each of its channels' events exactly once, in order, joined across its
 * reconnects, and no {@code herald.gap}), G3 (every session's connect got exactly one disconnect, heard
 * once by each observer, those of clients that died with the node from the survivors' purge).
 */
final class ChaosChecks {
  private ChaosChecks() {
  }

  /**
   * Runs every check after the fault; {@code faultAt} is when the victim was killed or told to drain.
   * Publishers must be stopped already.
   */
  static void verify(ChaosRun run, HeraldProcess victim, long faultAt) {
    HeraldProcess survivor = run.nodes.get(0);
    Map<String, Integer> sizes = new HashMap<>();
    Map<String, List<JsonObject>> history = new HashMap<>();
    int acked = 0;
    int publishFailures = 0;
    for (String ch : ChaosRun.CHANNELS) {
      List<JsonObject> events = run.history(survivor, ch);
      history.put(ch, events);
      sizes.put(ch, events.size());
      for (int i = 0; i < events.size(); i++) {
        assertEquals(i + 1, ChaosRun.seq(events.get(i).getString("id")), ch + ": history in sequence from 1");
      }
    }
    for (ChaosPublisher p : run.publishers) {
      for (Map.Entry<String, List<String>> e : p.acked.entrySet()) {
        Set<String> ids = new HashSet<>();
        history.get(e.getKey()).forEach(o -> ids.add(o.getString("id")));
        for (String id : e.getValue()) {
          assertTrue(ids.contains(id), "acknowledged " + id + " on " + e.getKey() + " is in the history (G4)");
        }
        acked += e.getValue().size();
      }
      publishFailures += p.failures.size();
    }
    run.figures.put("events acknowledged (all in history)", acked);
    run.figures.put("events in history", sizes.values().stream().mapToInt(Integer::intValue).sum());
    run.figures.put("publish attempts failed, then retried", publishFailures);
    run.figures.put("publish attempts failed, first", run.publishers.stream().flatMap(p -> p.failures.stream())
        .findFirst().orElse("-"));

    run.awaitSubscribersCaughtUp(sizes);
    for (ChaosSubscriber s : run.subscribers) {
      ChaosRun.await(run.vertx.undeploy(s.deploymentID()));
    }
    checkSubscribers(run, history, victim, faultAt);
    checkPresence(run, victim, faultAt);
  }

  private static void checkSubscribers(ChaosRun run, Map<String, List<JsonObject>> history, HeraldProcess victim,
                                       long faultAt) {
    int delivered = 0;
    int hops = 0;
    int serverEnds = 0;
    int streams = 0;
    List<String> failures = new ArrayList<>();
    List<String> gaps = new ArrayList<>();
    long worstRecovery = 0;
    for (ChaosSubscriber s : run.subscribers) {
      for (Map.Entry<String, List<ChaosSubscriber.Got>> e : s.received.entrySet()) {
        List<JsonObject> expected = history.get(e.getKey());
        List<ChaosSubscriber.Got> got = e.getValue();
        List<Long> seqs = got.stream().map(ChaosSubscriber.Got::seq).toList();
        for (int i = 0; i < Math.min(seqs.size(), expected.size()); i++) {
          if (seqs.get(i) != i + 1) {
            throw new AssertionError(s + " on " + e.getKey() + ": event " + (i + 1) + " came as seq " + seqs.get(i)
                + " (around: " + seqs.subList(Math.max(0, i - 3), Math.min(seqs.size(), i + 4)) + ")\n"
                + s.describe());
          }
          assertEquals(new JsonObject(expected.get(i).getValue("data").toString()), new JsonObject(got.get(i).data()),
              s + " on " + e.getKey() + ": data of event " + (i + 1));
        }
        assertEquals(expected.size(), got.size(), s + " on " + e.getKey() + ": every event exactly once (G1)");
        delivered += got.size();
      }
      hops += s.hops;
      serverEnds += s.serverEnds;
      streams += s.streams;
      failures.addAll(s.failures);
      gaps.addAll(s.gaps);
      for (ChaosSubscriber.Recovery r : s.recoveries) {
        if (r.at() >= faultAt && victim.name.equals(r.from())) {
          worstRecovery = Math.max(worstRecovery, r.ms());
        }
      }
    }
    run.figures.put("events delivered to subscribers", delivered);
    run.figures.put("events caught up from history (bus not yet routed)",
        run.counter("herald_sse_catchup_events_total"));
    run.figures.put("streams opened", streams);
    run.figures.put("planned hops to another node", hops);
    run.figures.put("streams ended by the server or network", serverEnds);
    run.figures.put("failed reconnects", failures.size());
    run.figures.put("time to recover: slowest reconnect of a stream the fault ended (ms)", worstRecovery);
    run.figures.put("herald.gap events", gaps.size());
    run.figures.put("failed reconnects, first", failures.isEmpty() ? "-" : failures.get(0));
    assertEquals(List.of(), gaps, "no herald.gap within retention (G2 is for lost events only)");
  }

  private static void checkPresence(ChaosRun run, HeraldProcess victim, long faultAt) {
    ChaosSessions sessions = run.sessions;
    ChaosRun.await(sessions.onContext(sessions::stopAll).compose(f -> f));
    Map<String, ChaosSessions.Client> all = ChaosRun.await(sessions.onContext(sessions::all));
    for (ChaosObserver o : run.observers) {
      ChaosRun.waitUntil(() -> ChaosRun.await(o.onContext(() -> all.keySet().stream()
          .allMatch(id -> o.count(id, "disconnect") >= 1))), "every session's disconnect on " + o);
    }
    // Every observer has heard every disconnect: let a late duplicate show, one purge period more.
    run.runFor(ChaosRun.PURGE.plusMillis(500));
    long worstPurge = 0;
    int victims = 0;
    for (ChaosObserver o : run.observers) {
      ChaosRun.await(run.vertx.undeploy(o.deploymentID()));
      assertEquals(List.of(), o.problems, "observer streams stayed up");
      for (Map.Entry<String, ChaosSessions.Client> e : all.entrySet()) {
        String id = e.getKey();
        assertEquals(1, o.count(id, "connect"), "one connect for " + id);
        assertEquals(1, o.count(id, "disconnect"), "exactly one disconnect for " + id + " (G3)");
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
    assertEquals(List.of(), sessions.failures, "roaming sessions stayed connected and stopped cleanly");
    run.figures.put("sessions (connect, then exactly one disconnect)", all.size());
    run.figures.put("sessions of clients gone with the node", victims / run.observers.size());
    run.figures.put("their disconnect after the last beat (ms)", worstPurge);
    long bound = ChaosRun.EXPIRE.plus(ChaosRun.PURGE).toMillis();
    run.figures.put("expireDelay + purgeDelay (ms)", bound);
    // G3's bound, with room for a loaded machine: the purge runs every purgeDelay on every survivor.
    assertTrue(worstPurge <= bound + 10_000, "purged within expireDelay + purgeDelay (+ slack): " + worstPurge);
  }
}
