package dev.herald.gateway;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.ListenerConfig;
import dev.herald.cluster.ClusterOptions;
import dev.herald.cluster.HeraldCluster;
import dev.herald.gateway.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the clustered {@link Vertx} of a node from {@code cluster.*} (README.md#configuration): the member
 * configuration every Herald member uses ({@link HeraldCluster#memberConfig}: Vert.x's map settings, the
 * cluster name, TCP-IP members or Kubernetes DNS discovery, failure detection in seconds, phone-home and
 * Hazelcast's own shutdown hook off — {@code Main} drains, then closes Vert.x, which leaves the cluster
 * cleanly), plus what only a node adds: logging through SLF4J ({@code com.hazelcast} at WARN in
 * {@code simplelogger.properties}) and one line per member that joins or leaves.
 */
public final class ClusterSetup {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterSetup.class);

  private ClusterSetup() {
  }

  /** The node's {@code cluster.*} settings as the options of a member. */
  static ClusterOptions options(HeraldConfig.Cluster cluster) {
    return new ClusterOptions(cluster.name(), "kubernetes".equals(cluster.join()) ? ClusterOptions.Join.KUBERNETES
        : ClusterOptions.Join.TCP, cluster.members(), cluster.service(), cluster.host(), cluster.port(),
        cluster.busPort());
  }

  /**
   * Starts a clustered Vert.x that joins the cluster {@code cluster} describes.
   *
   * @param nodeId the Herald node id, published to the other members (their join / leave log lines name it)
   */
  public static Future<Vertx> start(HeraldConfig.Cluster cluster, String nodeId) {
    // Hazelcast picks its logger when its first class loads: say SLF4J before that.
    System.setProperty("hazelcast.logging.type", "slf4j");
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(cluster, nodeId));
    return Vertx.builder().with(Main.nodeOptions(HeraldCluster.vertxOptions(options(cluster)))).withClusterManager(manager)
        .buildClustered()
        .onSuccess(v -> LOG.info("node {} joined cluster '{}' as member {} ({} members, Hazelcast {}:{}, event bus {})",
            nodeId, cluster.name(), manager.getNodeId(), manager.getNodes().size(), cluster.host(), cluster.port(),
            cluster.busPort() == 0 ? "any port" : cluster.busPort()));
  }

  /** The Hazelcast configuration of a node: a Herald member's, logging through SLF4J, with the membership log. */
  public static Config hazelcastConfig(HeraldConfig.Cluster cluster, String nodeId) {
    Config config = HeraldCluster.memberConfig(options(cluster), nodeId);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.addListenerConfig(new ListenerConfig(new MembershipLog(nodeId)));
    return config;
  }

  /** True when {@code vertx} is clustered and its cluster manager is active with this node a member. */
  static boolean joined(Vertx vertx) {
    ClusterManager manager = ClusterView.manager(vertx);
    return manager != null && manager.isActive() && manager.getNodes().contains(manager.getNodeId());
  }

  /** Logs each member that joins or leaves, once, with its Herald node id and address. */
  private static final class MembershipLog implements MembershipListener {
    private final String self;

    MembershipLog(String self) {
      this.self = self;
    }

    @Override
    public void memberAdded(MembershipEvent e) {
      if (e.getMember().localMember()) {
        return; // this node's own start is logged once it joined
      }
      LOG.info("node {}: cluster member joined: node {} at {} ({} members)", self, name(e.getMember()),
          e.getMember().getAddress(), e.getMembers().size());
    }

    @Override
    public void memberRemoved(MembershipEvent e) {
      LOG.info("node {}: cluster member left: node {} at {} ({} members)", self, name(e.getMember()),
          e.getMember().getAddress(), e.getMembers().size());
    }

    private static String name(Member m) {
      Map<String, String> attributes = m.getAttributes();
      String id = attributes == null ? null : attributes.get(HeraldCluster.NODE_ATTRIBUTE);
      return id == null ? m.getUuid().toString() : id;
    }
  }
}
