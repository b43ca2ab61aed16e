package dev.herald.gateway;

import dev.herald.gateway.config.ConfigLoader;
import dev.herald.gateway.config.HeraldConfig;
import dev.herald.testkit.Poll;
import dev.herald.testkit.Ports;
import dev.herald.testkit.RedisServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Herald nodes in one JVM, each in its own clustered Vert.x with its own Hazelcast member on loopback
 * (TCP-IP join with an explicit member list, a cluster name unique to this run), all on one real
 * {@code redis-server} under one key prefix unique to this run. For in-process cluster tests.
 */
final class ClusterNodes implements AutoCloseable {
  static final long WAIT_SECONDS = 90;

  /** One node: its Vert.x, the Herald node, and a blocking HTTP client of it. */
  record Node(Vertx vertx, HeraldNode node, Api api) {
    int port() {
      return node.port();
    }

    /** The node's Vert.x node id in the cluster. */
    String clusterId() {
      return ClusterView.nodeId(vertx);
    }

    int members() {
      return ClusterView.members(vertx).size();
    }
  }

  private final RedisServer redis;
  private boolean ownsRedis;
  private final String clusterName = "herald-test-" + UUID.randomUUID();
  private final String prefix = "ct" + UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, Object> overrides;
  private final List<Integer> hazelcastPorts = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();

  private ClusterNodes(RedisServer redis, Map<String, ?> overrides) {
    this.redis = redis;
    this.overrides = new LinkedHashMap<>(overrides);
  }

  /**
   * Starts {@code n} nodes one after the other (each joins the ones before) with {@link TestNode#smallLimits},
   * {@code overrides} and the cluster and Redis settings.
   */
  static ClusterNodes start(RedisServer redis, int n, Map<String, ?> overrides) {
    ClusterNodes c = new ClusterNodes(redis, overrides);
    try {
      for (int i = 0; i < n; i++) {
        c.add();
      }
    } catch (RuntimeException | Error e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** {@link #start} on a {@code redis-server} of its own, stopped by {@link #close()}. */
  static ClusterNodes startWithRedis(int n, Map<String, ?> overrides) {
    RedisServer redis = OnRedis.start();
    try {
      ClusterNodes c = start(redis, n, overrides);
      c.ownsRedis = true;
      return c;
    } catch (RuntimeException | Error e) {
      redis.close();
      throw e;
    }
  }

  /** The key and address prefix ({@code name}) of this cluster's nodes. */
  String prefix() {
    return prefix;
  }

  Node get(int i) {
    return nodes.get(i);
  }

  List<Node> nodes() {
    return List.copyOf(nodes);
  }

  /** Starts one more node that joins the others, and waits until every node sees it. */
  Node add() {
    int port = Ports.free();
    hazelcastPorts.add(port);
    Map<String, Object> values = TestNode.smallLimits();
    values.put("name", prefix);
    values.put("history.maxEvents", 1000);
    values.putAll(overrides);
    values.put("store.type", "redis");
    values.put("store.redis.host", redis.host());
    values.put("store.redis.port", redis.port());
    values.put("cluster.enabled", true);
    values.put("cluster.name", clusterName);
    values.put("cluster.host", "127.0.0.1");
    values.put("cluster.port", port);
    values.put("cluster.members", hazelcastPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")));
    HeraldConfig config = ConfigLoader.fromMap(values);
    String nodeId = HeraldNode.newNodeId();
    Vertx vertx = await(ClusterSetup.start(config.cluster(), nodeId));
    HeraldNode node;
    try {
      node = await(HeraldNode.start(vertx, config, nodeId));
    } catch (RuntimeException | Error e) {
      await(vertx.close());
      throw e;
    }
    Node added = new Node(vertx, node, new Api(vertx, node.port()));
    nodes.add(added);
    int expected = nodes.size();
    for (Node each : nodes) {
      waitFor(() -> each.members() == expected, "node " + each.node().nodeId() + " to see " + expected + " members");
    }
    return added;
  }

  /** Stops a node (drain, undeploy, leave the cluster) and forgets it. */
  void stop(Node node) {
    nodes.remove(node);
    node.api().close();
    await(node.node().drain().eventually(() -> node.node().stop()).eventually(() -> node.vertx().close()));
  }

  @Override
  public void close() {
    for (Node n : new ArrayList<>(nodes)) {
      try {
        stop(n);
      } catch (RuntimeException | Error e) {
        // stop the others anyway
      }
    }
    if (ownsRedis) {
      redis.close();
    }
  }

  /** Waits, on the test thread, for a future, failing after {@link #WAIT_SECONDS}. */
  static <T> T await(Future<T> future) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("ClusterNodes.await blocks: call it from the test thread");
    }
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within " + WAIT_SECONDS + " s", e);
    }
  }

  /** Polls {@code check} until it holds, failing after {@link #WAIT_SECONDS}. */
  static void waitFor(Poll.Check check, String what) {
    Poll.await(what, Duration.ofSeconds(WAIT_SECONDS), check);
  }

}
