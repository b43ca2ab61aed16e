package dev.herald.gateway.chaos;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Herald nodes and their Redis in a {@link NetLab}, wired so that each kind of traffic has its own link
 * and can be cut alone (a partition test's network):
 *
 * <pre>
 *   cluster bridge   10.71.1.0/24  Hazelcast and the event bus between nodes   (node i: 10.71.1.(10+i))
 *   store bridge     10.71.2.0/24  nodes to Redis (Redis in its own namespace, 10.71.2.2:6379)
 *   client bridge    a free /24    the test's clients (host .1) to each node's HTTP port (node i: .(10+i))
 * </pre>
 *
 * Cutting a node's cluster link cuts it off from the other nodes while it still reaches Redis and its
 * clients; cutting its store link cuts it off from Redis only.
 */
final class LabCluster {
  static final int HTTP_PORT = 8080;
  static final int HAZELCAST_PORT = 5701;
  static final String REDIS_IP = "10.71.2.2";
  static final int REDIS_PORT = 6379;

  /** One node's links, and the process once started. */
  record Node(String name, String namespace, NetLab.Link cluster, NetLab.Link store, NetLab.Link clients) {
  }

  final List<Node> nodes = new ArrayList<>();
  final HeraldProcess redis;

  /** Builds the network for {@code n} nodes and starts Redis in it; the nodes are started by {@link #start}. */
  LabCluster(NetLab lab, Path dir, int n) {
    NetLab.Bridge clusterNet = lab.bridge("c");
    NetLab.Bridge storeNet = lab.bridge("s");
    NetLab.Bridge clientNet = lab.reachableBridge("h");
    String redisNs = lab.namespace("redis");
    lab.link(redisNs, storeNet, "eth0", REDIS_IP + "/24");
    redis = redis(redisNs, REDIS_IP, REDIS_PORT, dir, "redis");
    for (int i = 1; i <= n; i++) {
      String ns = lab.namespace("node" + i);
      nodes.add(new Node("node" + i, ns, lab.link(ns, clusterNet, "eth0", "10.71.1." + (10 + i) + "/24"),
          lab.link(ns, storeNet, "eth1", "10.71.2." + (10 + i) + "/24"),
          lab.link(ns, clientNet, "eth2", clientNet.subnet() + "." + (10 + i) + "/24")));
    }
  }

  /** Starts every node: {@code java -jar herald.jar} in its namespace with the lab's addresses and {@code args}. */
  List<HeraldProcess> start(Path dir, String runId, List<String> args) {
    String members = nodes.stream().map(n -> n.cluster().address() + ":" + HAZELCAST_PORT)
        .collect(Collectors.joining(","));
    List<HeraldProcess> started = new ArrayList<>();
    for (Node n : nodes) {
      List<String> flags = new ArrayList<>(List.of("--http.host=0.0.0.0", "--http.port=" + HTTP_PORT,
          "--http.instances=2", "--name=lab" + runId, "--store.type=redis", "--store.redis.host=" + REDIS_IP,
          "--store.redis.port=" + REDIS_PORT, "--cluster.enabled=true", "--cluster.name=lab-" + runId,
          "--cluster.host=" + n.cluster().address(), "--cluster.port=" + HAZELCAST_PORT, "--cluster.members=" + members));
      flags.addAll(args);
      List<String> command = new ArrayList<>(NetLab.in(n.namespace()));
      command.addAll(HeraldProcess.java(flags));
      started.add(HeraldProcess.launch(n.name(), dir, command, null, n.clients().address(), HTTP_PORT, HAZELCAST_PORT));
    }
    return started;
  }

  /**
   * A {@code redis-server} in {@code namespace} on {@code ip:port} (no persistence), ready when this returns;
   * stopped by its handle ({@link HeraldProcess#destroy()}).
   */
  static HeraldProcess redis(String namespace, String ip, int port, Path dir, String name, String... extra) {
    List<String> command = new ArrayList<>(NetLab.in(namespace));
    command.addAll(List.of("redis-server", "--bind", ip, "--port", Integer.toString(port), "--protected-mode", "no",
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString()));
    command.addAll(List.of(extra));
    HeraldProcess p = HeraldProcess.launch(name, dir, command, null, ip, port, 0);
    ChaosRun.waitUntil(() -> {
      if (!p.alive()) {
        throw new AssertionError("redis-server exited:\n" + p.logTail(20));
      }
      return p.logTail(50).contains("Ready to accept connections");
    }, "redis-server in " + namespace + " to be ready");
    return p;
  }
}
