package dev.herald.gateway.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.gateway.chaos.HistoryCheck.Window;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Partitions heal without loss (G7 of docs/guarantees.md), with real processes in network namespaces
 * ({@link LabCluster}): Herald nodes whose cluster, store and client traffic each have their own link, a
 * Redis, and on every node an observer, pinned subscribers, a pinned publisher and persistent sessions
 * (so there are clients on both sides of each cut). A cut is a link set down for {@value #CUT_SECONDS} s,
 * then healed:
 * <ul>
 *   <li>one node cut off from the others while it still reaches Redis (two nodes: a split in halves; three:
 *   one against two) — every subscriber must get every event at most {@code cluster.partitionLag} after it
 *   was sent, from the cut, through Hazelcast's detection window and through the split-brain merge;</li>
 *   <li>(three nodes) one node cut off from Redis: it answers {@code 503}, and nothing it refused is ever
 *   stored.</li>
 * </ul>
 * Then {@link HistoryCheck} holds every client's record against the store: nothing lost, duplicated,
 * reordered, late beyond the bound or refused-but-stored, and every connect one disconnect. The measured
 * lateness and the times to merge and recover are printed.
 */
class PartitionIT {
  static final long CUT_SECONDS = 30;
  static final Duration PARTITION_LAG = Duration.ofSeconds(2);
  private static final Duration STEADY = Duration.ofSeconds(4);
  private static final Duration SETTLE = Duration.ofSeconds(4);

  @BeforeAll
  static void needsALab() {
    NetLab.assumeAvailable("partition tests");
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void twoNodesSplitInHalvesAndMerge() throws Exception {
    scenario(2, false);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void threeNodesOneCutFromTheOthersThenOneFromRedis() throws Exception {
    scenario(3, true);
  }

  private void scenario(int n, boolean storeCut) throws Exception {
    long began = System.currentTimeMillis();
    try (NetLab lab = NetLab.create(); ChaosRun run = new ChaosRun("partition-" + n)) {
      LabCluster cluster = new LabCluster(lab, run.dir, n);
      for (HeraldProcess node : cluster.start(run.dir, run.runId, List.of(
          "--cluster.drainWindow=3s", "--cluster.partitionLag=" + PARTITION_LAG.toMillis() + "ms",
          "--heartbeat.beatDelay=1s", "--heartbeat.expireDelay=3s", "--heartbeat.purgeDelay=1s",
          "--sse.retryTimeout=1s", "--sse.pingInterval=5s", "--history.maxEvents=100000"))) {
        run.adopt(node);
      }
      run.awaitCluster(n);
      run.figures.put("cluster ready in ms", System.currentTimeMillis() - began);
      run.startBalancer();
      run.startPinnedWorkload(2, 100, 2);
      run.runFor(STEADY);
      List<Window> windows = new ArrayList<>();

      LabCluster.Node cutOff = cluster.nodes.get(n - 1);
      windows.add(cut(run, lab, cutOff.cluster(), "cluster link of " + cutOff.name(), () -> merged(run, n)));
      if (storeCut) {
        LabCluster.Node noStore = cluster.nodes.get(1);
        HeraldProcess node = run.nodes.get(1);
        windows.add(cut(run, lab, noStore.store(), "store link of " + noStore.name(), () -> {
          run.awaitReady(node, n);
          return true;
        }));
        long refused = run.attempts().stream().filter(a -> a.node().equals(node.name) && !a.acknowledged()
            && a.sentAt() >= windows.get(1).from()).count();
        run.figures.put("publishes to " + node.name + " refused while it could not reach Redis", refused);
        assertTrue(refused > 0, "the node cut off from Redis answered 503 to its publishes");
      }
      run.stopPublishers();
      HistoryCheck.Report report = check(run, windows);
      run.figures.put("store checks (heads requests, all nodes)", run.counter("herald_sse_store_checks_total"));
      run.figures.put("channels found behind the store and filled (all nodes)", run.counter("herald_sse_store_behind_total"));
      run.figures.put("requests refused for their deadline (all nodes)", run.counter("herald_requests_late_total"));
      run.figures.put("suite run time (s)", (System.currentTimeMillis() - began) / 1000);
      run.report("partitions, " + n + " nodes: " + report.violations().trim());
      assertTrue(report.clean(), () -> "violations:\n" + report.violations() + "see " + run.dir);
    }
  }

  /** Cuts {@code link}, waits {@value #CUT_SECONDS} s, heals it, waits until {@code recovered}; the cut's window. */
  private static Window cut(ChaosRun run, NetLab lab, NetLab.Link link, String what, java.util.function.BooleanSupplier recovered) {
    long at = System.currentTimeMillis();
    lab.cut(link);
    run.runFor(Duration.ofSeconds(CUT_SECONDS));
    lab.heal(link);
    long healed = System.currentTimeMillis();
    ChaosRun.waitUntil(recovered, "recovery after the cut of the " + what + " healed");
    long back = System.currentTimeMillis();
    run.figures.put("cut of the " + what + ": recovered after the heal (ms)", back - healed);
    run.runFor(SETTLE);
    return new Window("from the cut of the " + what + " to " + SETTLE.toSeconds() + " s after recovery", at,
        System.currentTimeMillis());
  }

  /** True once every node sees all {@code n} members again (the split-brain merge is done). */
  private static boolean merged(ChaosRun run, int n) {
    return run.nodes.stream().allMatch(node -> run.members(node) == n);
  }

  /** Settles the run and checks its history against G7's bound; the measured partition lag is a figure. */
  static HistoryCheck.Report check(ChaosRun run, List<Window> windows) {
    HistoryCheck check = new HistoryCheck(PARTITION_LAG.toMillis(), windows);
    HistoryCheck.Report report = run.settleAndCheck(check);
    long worst = windows.stream().mapToLong(check::worstIn).max().orElse(0);
    run.figures.put("partition lag measured (worst lateness in the cut windows, ms)", worst);
    assertEquals(List.of(), run.sessions.failures, "sessions stopped cleanly");
    return report;
  }
}
