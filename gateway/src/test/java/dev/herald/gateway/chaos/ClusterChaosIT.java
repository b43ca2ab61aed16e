package dev.herald.gateway.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chaos with real processes (G1, G3, G4 of docs/guarantees.md, and the drain of docs/deploy.md): Redis and three Herald JVMs from
 * {@code target/herald.jar} clustered on loopback; publishers on every node; subscribers that hop
 * between nodes with their last id every few seconds; presence sessions, some kept alive through one
 * node only. Mid-run one node is killed with SIGKILL, or drained with SIGTERM; afterwards every
 * subscriber must hold each of its channels' events exactly once and in order, every acknowledged
 * publish must be in the history, and every connect must have exactly one disconnect. A drained node
 * must exit 0 and cause no failed reconnect. Each run prints its figures.
 */
class ClusterChaosIT {
  private static final Duration BEFORE_FAULT = Duration.ofSeconds(8);
  private static final Duration AFTER_FAULT = Duration.ofSeconds(10);

  @Test
  @Timeout(value = 110, unit = TimeUnit.SECONDS)
  void aKilledNodeLosesNoEventAndNoDisconnect() throws Exception {
    try (ChaosRun run = new ChaosRun("kill")) {
      run.startCluster();
      run.startWorkload();
      run.runFor(BEFORE_FAULT);
      HeraldProcess victim = run.nodes.get(2);
      ChaosRun.waitUntil(() -> run.subscribersOn(victim) >= 1, "a subscriber on " + victim.name);
      int onVictim = run.subscribersOn(victim);
      long faultAt = System.currentTimeMillis();
      victim.kill();
      run.runFor(AFTER_FAULT);
      run.stopPublishers();
      ChaosChecks.verify(run, victim, faultAt);
      run.figures.put("subscribers on the node when it was killed", onVictim);
      List<String> notReady = run.balancer.notReadyAnswers(Set.of(run.nodes.get(0), run.nodes.get(1)));
      run.figures.put("survivors' readiness answers other than 200", notReady.size());
      run.figures.put("survivors' readiness, first such answer", notReady.isEmpty() ? "-" : notReady.get(0));
      run.report("kill -9 of " + victim.name + " mid-run");
    }
  }

  @Test
  @Timeout(value = 110, unit = TimeUnit.SECONDS)
  void aDrainedNodeCausesNoFailedReconnect() throws Exception {
    try (ChaosRun run = new ChaosRun("drain")) {
      run.startCluster();
      run.startWorkload();
      run.runFor(BEFORE_FAULT);
      HeraldProcess victim = run.nodes.get(2);
      // Some streams must be on the node that drains: wait for the hopping subscribers to put two there.
      ChaosRun.waitUntil(() -> run.subscribersOn(victim) >= 2, "two subscribers on " + victim.name);
      // As a Kubernetes Service does for a terminating pod: out of the endpoints, then SIGTERM.
      run.balancer.remove(victim);
      run.runFor(Duration.ofMillis(200));
      int drained = run.subscribersOn(victim);
      assertTrue(drained >= 2, "subscribers do not leave a node out of service by themselves: " + drained);
      long faultAt = System.currentTimeMillis();
      victim.terminate();
      int exit = victim.awaitExit(ChaosRun.DRAIN_WINDOW.plusSeconds(30));
      long exitedAfter = System.currentTimeMillis() - faultAt;
      assertEquals(0, exit, () -> "a drained node exits 0:\n" + victim.logTail(30));
      String log = victim.logTail(200);
      assertTrue(log.contains("draining") && log.contains("Herald stopped"), log);
      run.runFor(AFTER_FAULT);
      run.stopPublishers();
      ChaosChecks.verify(run, victim, faultAt);
      run.figures.put("drained node exited (ms after SIGTERM)", exitedAfter);
      run.figures.put("subscribers on the node when it drained", drained);
      List<String> notReady = run.balancer.notReadyAnswers(Set.of(run.nodes.get(0), run.nodes.get(1)));
      run.figures.put("survivors' readiness answers other than 200", notReady.size());
      run.report("SIGTERM (drain) of " + victim.name + " mid-run");
      assertEquals(0, run.figures.get("failed reconnects"), () -> "no reconnect fails when a node drains: "
          + run.figures.get("failed reconnects, first"));
      assertEquals(List.of(), notReady, "the survivors stayed ready while a node drained and left");
      assertTrue((int) run.figures.get("streams ended by the server or network") >= drained,
          "the drain ended the streams on the node; they reconnected elsewhere");
    }
  }
}
