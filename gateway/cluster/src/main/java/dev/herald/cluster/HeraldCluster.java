package dev.herald.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.herald.gateway.api.NodeAddresses;
import dev.herald.gateway.api.NodeClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.List;

/**
 * Joining a Herald cluster: the Hazelcast member configuration every Herald node uses ({@link #memberConfig}),
 * a clustered {@link Vertx} built from it ({@link #join}), and a join that proves a Herald node answers
 * ({@link #joinHerald}) — what a verticle of another project needs to use Herald over the event bus.
 *
 * <p>The configuration starts from Vert.x's own ({@link ConfigUtil#loadConfig()}, so the {@code __vertx.*}
 * maps keep their settings), then sets the cluster name, multicast and auto-detection off, TCP-IP or
 * Kubernetes DNS discovery, the interface, a heartbeat every {@value #HEARTBEAT_SECONDS} s (a member
 * silent for {@value #MAX_NO_HEARTBEAT_SECONDS} s is removed), phone-home off and Hazelcast's own shutdown
 * hook off (close Vert.x to leave the cluster cleanly).
 *
 * <p>Hazelcast on JDK 17 needs the JVM flags {@link #JVM_FLAGS} (or the same as {@code Add-Opens} /
 * {@code Add-Exports} in an executable jar's manifest).
 */
public final class HeraldCluster {
  /** Hazelcast member attribute carrying a member's name (a Herald node's id), for join and leave log lines. */
  public static final String NODE_ATTRIBUTE = "herald.node";
  public static final int HEARTBEAT_SECONDS = 1;
  public static final int MAX_NO_HEARTBEAT_SECONDS = 8;
  /** Seconds a graceful leave may wait for Hazelcast to hand over its partitions. */
  public static final int GRACEFUL_LEAVE_SECONDS = 10;
  /** Seconds a member that started alone (DNS not yet answering) waits before it looks for others to merge with. */
  public static final int MERGE_DELAY_SECONDS = 10;
  /** How long one {@code herald.info} request of {@link #joinHerald} waits. */
  static final long INFO_TIMEOUT_MS = 2000;
  /** The JVM flags Hazelcast wants on JDK 17 (harmless without it). */
  public static final List<String> JVM_FLAGS = List.of("--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private HeraldCluster() {
  }

  /**
   * The Hazelcast configuration of a member.
   *
   * @param name this member's name in the other members' join and leave lines, or {@code null}
   */
  public static Config memberConfig(ClusterOptions options, String name) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(options.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(HEARTBEAT_SECONDS));
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(MAX_NO_HEARTBEAT_SECONDS));
    config.setProperty("hazelcast.graceful.shutdown.max.wait", String.valueOf(GRACEFUL_LEAVE_SECONDS));
    config.setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(MERGE_DELAY_SECONDS));
    config.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(MERGE_DELAY_SECONDS));
    config.setProperty("hazelcast.socket.bind.any", "false");
    if (name != null) {
      config.getMemberAttributeConfig().setAttribute(NODE_ATTRIBUTE, name);
    }
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(options.port()).setPortAutoIncrement(false);
    if (isIpLiteral(options.host())) {
      network.getInterfaces().clear().setEnabled(true).addInterface(options.host());
    } else {
      config.setProperty("hazelcast.socket.bind.any", "true");
      network.setPublicAddress(options.host() + ":" + options.port());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(false);
    join.getKubernetesConfig().setEnabled(false);
    if (options.join() == ClusterOptions.Join.KUBERNETES) {
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", options.service())
          .setProperty("service-port", String.valueOf(options.port()));
    } else {
      List<String> members = options.members().isEmpty()
          ? List.of(options.host() + ":" + options.port()) : options.members();
      join.getTcpIpConfig().setEnabled(true).setMembers(members).setConnectionTimeoutSeconds(2);
    }
    return config;
  }

  /** The Vert.x options of a member: the event bus on {@code host} and {@code busPort}. */
  public static VertxOptions vertxOptions(ClusterOptions options) {
    return new VertxOptions().setEventBusOptions(new EventBusOptions()
        .setHost(options.host()).setPort(options.busPort()).setClusterPublicHost(options.host()));
  }

  /** Starts a clustered Vert.x that joins the cluster as a member named {@code name} (may be {@code null}). */
  public static Future<Vertx> join(ClusterOptions options, String name) {
    return Vertx.builder().with(vertxOptions(options))
        .withClusterManager(new HazelcastClusterManager(memberConfig(options, name))).buildClustered();
  }

  /**
   * Joins the cluster and waits until a Herald node answers {@code herald.info} ({@link NodeClient#await}),
   * at most {@code within}. When none does, closes the Vert.x again and fails with a message that says how
   * many members this one found and what to check — rather than a member that "joined" alone (a wrong
   * cluster name or member list) and fails every request later with {@code NO_HANDLERS}.
   */
  public static Future<Vertx> joinHerald(ClusterOptions options, String name, NodeAddresses herald, Duration within) {
    HazelcastClusterManager manager = new HazelcastClusterManager(memberConfig(options, name));
    return Vertx.builder().with(vertxOptions(options)).withClusterManager(manager).buildClustered()
        .compose(vertx -> new NodeClient(vertx, herald, Math.min(INFO_TIMEOUT_MS, within.toMillis())).await(within)
            .transform(ar -> {
          if (ar.succeeded()) {
            return Future.succeededFuture(vertx);
          }
          int members = manager.getNodes().size();
          String detail = "joined cluster '" + options.name() + "' with " + members + " member"
              + (members == 1 ? " (only itself: no member with that name answered at "
                  + (options.join() == ClusterOptions.Join.TCP ? options.members() : options.service()) + ")" : "s")
              + "; " + ar.cause().getMessage();
          return vertx.close().transform(x -> Future.failedFuture(new IllegalStateException(detail, ar.cause())));
        }));
  }

  /** An IPv4 or IPv6 literal (what Hazelcast's interface list takes), not a name to resolve. */
  public static boolean isIpLiteral(String host) {
    return host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || (host.contains(":") && host.matches("[0-9a-fA-F:.%]+"));
  }
}
