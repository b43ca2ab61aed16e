package dev.herald.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.List;

/**
 * The cluster as this member sees it, from the cluster manager of a clustered {@link Vertx}, which the public
 * API does not expose (the gateway's adapter of internals, {@link WireAdapter}, reaches it). The assumptions
 * are pinned by {@code ClusterViewTest}: a clustered Vert.x's cluster manager is the one it was built with; a
 * plain one has none.
 */
final class ClusterView {
  private ClusterView() {
  }

  /** The cluster manager, or {@code null} when {@code vertx} is not clustered. */
  static ClusterManager manager(Vertx vertx) {
    return WireAdapter.clusterManager(vertx);
  }

  /** This member's cluster node id, or {@code null} when not clustered. */
  static String nodeId(Vertx vertx) {
    ClusterManager m = manager(vertx);
    return m == null ? null : m.getNodeId();
  }

  /** The cluster's member node ids as this member sees them; empty when not clustered. */
  static List<String> members(Vertx vertx) {
    ClusterManager m = manager(vertx);
    return m == null ? List.of() : List.copyOf(m.getNodes());
  }
}
