package dev.herald.gateway;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.NetworkConfig;
import dev.herald.gateway.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the clustered {@link Vertx} of a node from {@code cluster.*} (README.md#configuration): Hazelcast with
 * Vert.x's own map settings ({@link ConfigUtil#loadConfig()}), the cluster name, multicast and
 * auto-detection off, and either a TCP-IP member list ({@code cluster.join=tcp}) or Kubernetes DNS
 * discovery through a headless Service ({@code cluster.join=kubernetes}, no RBAC needed).
 *
 * <p>Failure detection is tuned so members notice a join or a leave in seconds: a heartbeat every
 * {@value #HEARTBEAT_SECONDS} s and a member silent for {@value #MAX_NO_HEARTBEAT_SECONDS} s is removed
 * (a killed process is noticed at once: its sockets reset). Hazelcast's phone-home and its own shutdown
 * hook are off: {@code Main} drains, then closes Vert.x, which leaves the cluster cleanly. Logging goes
 * through SLF4J ({@code com.hazelcast} at WARN in {@code simplelogger.properties}).
 */
public final class ClusterSetup {
  /** Hazelcast member attribute carrying the Herald node id, for the join and leave log lines. */
  static final String NODE_ATTRIBUTE = "herald.node";
  static final int HEARTBEAT_SECONDS = 1;
  static final int MAX_NO_HEARTBEAT_SECONDS = 8;
  /** Seconds a graceful leave may wait for Hazelcast to hand over its partitions. */
  static final int GRACEFUL_LEAVE_SECONDS = 10;
  /** Seconds a member that started alone (DNS not yet answering) waits before it looks for others to merge with. */
  static final int MERGE_DELAY_SECONDS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(ClusterSetup.class);

  private ClusterSetup() {
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
    VertxOptions options = new VertxOptions().setEventBusOptions(new EventBusOptions()
        .setHost(cluster.host()).setPort(cluster.busPort()).setClusterPublicHost(cluster.host()));
    return Vertx.builder().with(options).withClusterManager(manager).buildClustered()
        .onSuccess(v -> LOG.info("node {} joined cluster '{}' as member {} ({} members, Hazelcast {}:{}, event bus {})",
            nodeId, cluster.name(), manager.getNodeId(), manager.getNodes().size(), cluster.host(), cluster.port(),
            cluster.busPort() == 0 ? "any port" : cluster.busPort()));
  }

  /** The Hazelcast configuration of a node: Vert.x's maps, then Herald's network, join and timing settings. */
  public static Config hazelcastConfig(HeraldConfig.Cluster cluster, String nodeId) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(HEARTBEAT_SECONDS));
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(MAX_NO_HEARTBEAT_SECONDS));
    config.setProperty("hazelcast.graceful.shutdown.max.wait", String.valueOf(GRACEFUL_LEAVE_SECONDS));
    config.setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(MERGE_DELAY_SECONDS));
    config.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(MERGE_DELAY_SECONDS));
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.getMemberAttributeConfig().setAttribute(NODE_ATTRIBUTE, nodeId);
    config.addListenerConfig(new ListenerConfig(new MembershipLog(nodeId)));

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    if (isIpLiteral(cluster.host())) {
      network.getInterfaces().clear().setEnabled(true).addInterface(cluster.host());
    } else {
      config.setProperty("hazelcast.socket.bind.any", "true");
      network.setPublicAddress(cluster.host() + ":" + cluster.port());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(false);
    join.getKubernetesConfig().setEnabled(false);
    if ("kubernetes".equals(cluster.join())) {
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", cluster.service())
          .setProperty("service-port", String.valueOf(cluster.port()));
    } else {
      List<String> members = cluster.members().isEmpty()
          ? List.of(cluster.host() + ":" + cluster.port()) : cluster.members();
      join.getTcpIpConfig().setEnabled(true).setMembers(members).setConnectionTimeoutSeconds(2);
    }
    return config;
  }

  /** An IPv4 or IPv6 literal (what Hazelcast's interface list takes), not a name to resolve. */
  static boolean isIpLiteral(String host) {
    return host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || (host.contains(":") && host.matches("[0-9a-fA-F:.%]+"));
  }

  /** True when {@code vertx} is clustered and its cluster manager is active with this node a member. */
  static boolean joined(Vertx vertx) {
    if (!vertx.isClustered()) {
      return false;
    }
    ClusterManager manager = ((VertxInternal) vertx).clusterManager();
    return manager.isActive() && manager.getNodes().contains(manager.getNodeId());
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
      String id = attributes == null ? null : attributes.get(NODE_ATTRIBUTE);
      return id == null ? m.getUuid().toString() : id;
    }
  }
}
