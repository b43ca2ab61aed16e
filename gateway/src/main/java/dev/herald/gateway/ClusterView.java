package dev.herald.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.List;

/**
 * The gateway's one use of Vert.x internals: the cluster manager of a clustered {@link Vertx}, which the
 * public API does not expose ({@code VertxInternal.clusterManager()}). The assumptions it rests on are pinned
 * by {@code ClusterViewTest}: a clustered Vert.x is a {@code VertxInternal} whose cluster manager is the one
 * it was built with; a plain one has none.
 */
final class ClusterView {
  private ClusterView() {
  }

  /** The cluster manager, or {@code null} when {@code vertx} is not clustered. */
  static ClusterManager manager(Vertx vertx) {
    return vertx.isClustered() ? ((VertxInternal) vertx).clusterManager() : null;
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
