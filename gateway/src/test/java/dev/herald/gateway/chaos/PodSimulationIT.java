package dev.herald.gateway.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Herald on Kubernetes without Kubernetes: the dev overlay rendered, and its pods started as the kubelet
 * starts them ({@link PodLab}) — each in its own network namespace, with the environment the kubelet
 * computes (the manifest's variables, the downward API with the pod's IP, service links where asked),
 * the headless Service's DNS name answered by the namespace's hosts file, as the container's user on a
 * read-only root. Three pods (the third from the image, built meanwhile by {@link ImageBuild} where this
 * machine can build it, its entrypoint under chroot) must join by {@code cluster.join=kubernetes},
 * become ready and serve across nodes; then, with clients streaming, publishing and holding sessions
 * through a Service-like balancer, the autoscaler's moves: a fourth pod (started with service links on,
 * to prove the program starts with them), then down to two, one pod at a time, each drained by SIGTERM
 * within its grace period. No reconnect may fail; G1 and G3 must hold ({@link HistoryCheck}).
 */
class PodSimulationIT {
  private static final String OVERLAY = "dev";
  /**
   * Each publisher's pause between events: the overlay keeps history.maxEvents at its default (1000 per
   * channel), and the run's events must all stay retained for the check.
   */
  private static final long PUBLISH_PAUSE_MS = 250;

  @BeforeAll
  static void needsALab() {
    NetLab.assumeAvailable("pod simulation");
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void podsJoinServeScaleUpAndDrainAsTheAutoscalerMovesThem() throws Exception {
    long began = System.currentTimeMillis();
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    try (NetLab lab = NetLab.create(); ChaosRun run = new ChaosRun("pods")) {
      ImageBuild build = ImageBuild.start(root, run.dir);
      PodLab pods = new PodLab(lab, run.dir, root, OVERLAY);
      List<PodLab.Pod> started = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        started.add(pods.start("herald-" + i, null, null));
      }
      // The third pod runs the image (built meanwhile, where it can be): its entrypoint under chroot.
      long building = System.currentTimeMillis();
      Path image = build.await(Duration.ofMinutes(4));
      run.figures.put("waited for the image build (ms)", System.currentTimeMillis() - building);
      started.add(pods.start("herald-2", null, image));
      started.forEach(p -> run.adopt(p.process()));
      run.awaitCluster(3);
      run.figures.put("overlay", OVERLAY + " (namespace " + pods.namespace() + ")");
      run.figures.put("3 pods ready and joined (ms)", System.currentTimeMillis() - began);
      run.figures.put("pod from the image under chroot", image == null ? "none: the image " + build.note()
          : started.get(2).name() + ", image " + build.note());
      checkAsThePodsRun(started, image != null);

      run.startBalancer();
      run.startWorkload(ChaosSessions.Mode.ROAMING, PUBLISH_PAUSE_MS);
      run.runFor(Duration.ofSeconds(6));

      long up = System.currentTimeMillis();
      PodLab.Pod fourth = pods.start("herald-3", true, null);
      run.adopt(fourth.process());
      run.awaitCluster(4);
      run.figures.put("scale 3 -> 4: the new pod ready and joined (ms)", System.currentTimeMillis() - up);
      assertTrue(PodLab.env(fourth.spec()).containsKey("HERALD_SERVICE_HOST")
          && PodLab.env(fourth.spec()).containsKey("HERALD_REDIS_PORT"), "the fourth pod got service links");
      run.runFor(Duration.ofSeconds(6));

      // The ReplicaSet removes the youngest pods first: herald-3, then herald-2.
      for (PodLab.Pod going : List.of(fourth, started.get(2))) {
        scaleDown(run, pods, going);
        run.runFor(Duration.ofSeconds(3));
      }
      run.runFor(Duration.ofSeconds(3));
      run.stopPublishers();

      HistoryCheck.Report report = run.settleAndCheck(new HistoryCheck(0, List.of()));
      int failedReconnects = run.subscribers.stream().mapToInt(s -> s.failures.size()).sum();
      int serverEnds = run.subscribers.stream().mapToInt(s -> s.serverEnds).sum();
      run.figures.put("streams ended by a draining pod, then resumed elsewhere", serverEnds);
      run.figures.put("failed reconnects", failedReconnects);
      List<String> notReady = run.balancer.notReadyAnswers(Set.of(run.nodes.get(0), run.nodes.get(1)));
      run.figures.put("survivors' readiness answers other than 200", notReady.size());
      run.figures.put("survivors' readiness, first such answer", notReady.isEmpty() ? "-" : notReady.get(0));
      run.figures.put("suite run time (s)", (System.currentTimeMillis() - began) / 1000);
      run.report("pods of overlay " + OVERLAY + " scaled 3 -> 4 -> 2: " + report.violations().trim());
      assertTrue(report.clean(), () -> "violations:\n" + report.violations() + "see " + run.dir);
      assertEquals(0, failedReconnects, () -> "no reconnect fails: " + run.subscribers.stream()
          .flatMap(s -> s.failures.stream()).findFirst().orElse(""));
      assertTrue(serverEnds > 0, "the drains ended streams, which resumed on the other pods");
      assertEquals(List.of(), notReady, "the remaining pods stayed ready while others joined and left");
      assertEquals(List.of(), run.sessions.failures, "roaming sessions stayed connected");
    }
  }

  /** What a pod must look like from inside: the kubelet's variables, its user, its read-only root. */
  private static void checkAsThePodsRun(List<PodLab.Pod> pods, boolean withImage) throws Exception {
    for (PodLab.Pod p : pods) {
      Map<String, String> env = PodLab.env(p.spec());
      assertEquals(p.ip(), env.get("HERALD_CLUSTER_HOST"), "the downward API gave the pod IP");
      assertEquals("kubernetes", env.get("HERALD_CLUSTER_JOIN"));
      long pid = p.process().pid();
      String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
      String uid = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElse("");
      assertTrue(uid.matches("Uid:\\s+" + p.spec().getInteger("runAsUser") + "\\s.*"), p.name() + " runs as "
          + "the container's user: " + uid);
      String mounts = Files.readString(Path.of("/proc", Long.toString(pid), "mounts"));
      String rootMount = mounts.lines().filter(l -> l.split(" ")[1].equals("/")).reduce((a, b) -> b).orElse("");
      assertTrue(rootMount.split(" ")[3].startsWith("ro"), p.name() + " has a read-only root: " + rootMount);
      // Netty unpacks the epoll library into the pod's /tmp (an emptyDir) and loads it from there
      String log = p.process().logTail(400);
      assertTrue(log.contains(", transport epoll"), p.name() + " runs on the epoll transport: " + log);
    }
    assertTrue(!withImage || pods.get(2).fromImage());
  }

  /**
   * Once streams are open on it, takes a pod out of the Service and the headless answer, sends SIGTERM,
   * and waits for it to exit 0.
   */
  private static void scaleDown(ChaosRun run, PodLab pods, PodLab.Pod pod) {
    // Streams must be open on the pod that goes: wait for the hopping subscribers to put two there.
    ChaosRun.waitUntil(() -> run.subscribersOn(pod.process()) >= 2, "two subscribers on " + pod.name());
    run.balancer.remove(pod.process());
    run.figures.put("scale down: streams open on " + pod.name() + " when it got SIGTERM",
        run.subscribersOn(pod.process()));
    pods.remove(pod);
    long at = System.currentTimeMillis();
    pod.process().terminate();
    int exit = pod.process().awaitExit(Duration.ofSeconds(pod.graceSeconds()));
    long took = System.currentTimeMillis() - at;
    run.figures.put("scale down: " + pod.name() + (pod.fromImage() ? " (image)" : "") + " drained and exited (ms; "
        + "grace " + pod.graceSeconds() + " s)", took);
    assertTrue(exit == 0 || exit == 143, () -> pod.name() + " exits 0 after its drain (143: the JVM ended on the "
        + "signal after its shutdown hook), within the grace period; exit " + exit + ":\n" + pod.process().logTail(30));
    String log = pod.process().logTail(200);
    assertTrue(log.contains("draining") && log.contains("Herald stopped"), log);
    run.nodes.remove(pod.process());
    int left = run.nodes.size();
    run.awaitCluster(left);
  }

}
