package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.herald.gateway.config.ConfigException;
import dev.herald.gateway.config.ConfigLoader;
import dev.herald.gateway.config.HeraldConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which roles and cluster settings may run together, refused by key before anything starts, and the
 * Hazelcast configuration a node's {@code cluster.*} settings give.
 */
@Timeout(60)
class ClusterRulesTest {

  private static HeraldConfig config(Map<String, Object> values) {
    return ConfigLoader.fromMap(values);
  }

  private static ConfigException refused(Map<String, Object> values, boolean clustered) {
    return assertThrows(ConfigException.class, () -> ClusterRules.check(config(values), clustered));
  }

  @Test
  void aClusterNeedsRedis() {
    ConfigException e = refused(Map.of("cluster.enabled", true), true);
    assertEquals("store.type", e.key());
    assertTrue(e.getMessage().contains("store.type=redis") && e.getMessage().contains("cluster.enabled"),
        e::getMessage);
    assertDoesNotThrow(() -> ClusterRules.check(config(Map.of("cluster.enabled", true, "store.type", "redis")), true));
  }

  @Test
  void theProgramRunsEveryRoleOnASingleNode() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ClusterRules.checkLaunch(config(Map.of("roles", "gateway,sse"))));
    assertEquals("roles", e.key());
    assertTrue(e.getMessage().startsWith("roles=sse,gateway: a node that is not clustered must run every role"),
        e::getMessage);
    assertDoesNotThrow(() -> ClusterRules.checkLaunch(config(Map.of())));
    assertDoesNotThrow(() -> ClusterRules.checkLaunch(config(Map.of("roles", "gateway,sse", "cluster.enabled", true,
        "store.type", "redis"))));
    // Embedded in a Vert.x of one's own, a node may leave roles to verticles beside it.
    assertDoesNotThrow(() -> ClusterRules.check(config(Map.of("roles", "gateway,sse")), false));
  }

  @Test
  void sseNeedsTheGatewayOnItsNode() {
    Map<String, Object> cluster = Map.of("store.type", "redis", "roles", "sse,replay");
    ConfigException e = refused(cluster, true);
    assertEquals("roles", e.key());
    assertTrue(e.getMessage().contains("sse needs gateway on the same node"), e::getMessage);
    for (String roles : List.of("gateway", "gateway,sse", "replay", "heartbeat,replay", "sse,replay,gateway")) {
      assertDoesNotThrow(() -> ClusterRules.check(config(Map.of("store.type", "redis", "roles", roles)), true), roles);
    }
  }

  @Test
  void theLauncherRefusesBadRolesBeforeJoining() {
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    Main.Launch l = Main.launch(new String[] {"--cluster.enabled=true", "--store.type=redis", "--roles=sse"},
        Map.of(), System.out, err);
    assertEquals(Main.BAD_CONFIG, l.exitCode());
    String text = errBytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.startsWith("herald: roles=sse: sse needs gateway"), text);
  }

  @Test
  void tcpJoinIsAMemberListOnTheGivenInterfaceOnly() {
    HeraldConfig c = config(Map.of("cluster.enabled", true, "store.type", "redis", "cluster.name", "blue",
        "cluster.members", "127.0.0.1:5701,127.0.0.1:5702", "cluster.port", 5702));
    Config hz = ClusterSetup.hazelcastConfig(c.cluster(), "node-a");
    assertEquals("blue", hz.getClusterName());
    assertEquals(5702, hz.getNetworkConfig().getPort());
    assertTrue(!hz.getNetworkConfig().isPortAutoIncrement());
    assertEquals(List.of("127.0.0.1"), List.copyOf(hz.getNetworkConfig().getInterfaces().getInterfaces()));
    assertTrue(hz.getNetworkConfig().getInterfaces().isEnabled());
    JoinConfig join = hz.getNetworkConfig().getJoin();
    assertTrue(!join.getMulticastConfig().isEnabled() && !join.getAutoDetectionConfig().isEnabled());
    assertTrue(join.getTcpIpConfig().isEnabled() && !join.getKubernetesConfig().isEnabled());
    assertEquals(List.of("127.0.0.1:5701", "127.0.0.1:5702"), join.getTcpIpConfig().getMembers());
    assertEquals("false", hz.getProperty("hazelcast.phone.home.enabled"));
    assertEquals("false", hz.getProperty("hazelcast.shutdownhook.enabled"));
    assertEquals("slf4j", hz.getProperty("hazelcast.logging.type"));
    assertEquals("node-a", hz.getMemberAttributeConfig().getAttribute(dev.herald.cluster.HeraldCluster.NODE_ATTRIBUTE));
    // Vert.x's own map settings are kept (ConfigUtil.loadConfig()).
    assertEquals(1, hz.getMapConfig("__vertx.nodeInfo").getBackupCount());
    assertTrue(hz.getMultiMapConfigs().containsKey("__vertx.subs"));
  }

  @Test
  void kubernetesJoinUsesTheHeadlessServiceDns() {
    HeraldConfig c = config(Map.of("cluster.enabled", true, "store.type", "redis", "cluster.join", "kubernetes",
        "cluster.service", "herald-hz.default.svc.cluster.local", "cluster.host", "10.1.2.3"));
    JoinConfig join = ClusterSetup.hazelcastConfig(c.cluster(), "node-b").getNetworkConfig().getJoin();
    assertTrue(join.getKubernetesConfig().isEnabled() && !join.getTcpIpConfig().isEnabled());
    assertEquals("herald-hz.default.svc.cluster.local", join.getKubernetesConfig().getProperty("service-dns"));
    assertEquals("5701", join.getKubernetesConfig().getProperty("service-port"));
  }
}
