package dev.herald.gateway;

import dev.herald.gateway.config.ConfigException;
import dev.herald.gateway.config.HeraldConfig;
import dev.herald.gateway.config.HeraldConfig.Role;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a node's {@code roles} and {@code cluster.*} may combine to (docs/deploy.md), checked before anything
 * starts, each refusal naming its key: a cluster shares state through Redis only, {@code sse} runs
 * beside {@code gateway} (a stream is an HTTP connection the gateway hands to the sse verticle on the
 * same node), and the program ({@link #checkLaunch}) runs every role unless it is clustered.
 */
final class ClusterRules {
  private ClusterRules() {
  }

  /**
   * What the program refuses: {@link #check} with {@code cluster.enabled}, and a node that is not
   * clustered must run every role (it has no other node to find the rest on). An embedding
   * ({@code HeraldNode.start} in a Vert.x of one's own) may run fewer roles beside verticles of its own.
   */
  static void checkLaunch(HeraldConfig config) {
    boolean clustered = config.cluster().enabled();
    check(config, clustered);
    if (!clustered && !config.roles().equals(EnumSet.allOf(Role.class))) {
      throw new ConfigException("roles", "roles=" + text(config.roles()) + ": a node that is not clustered must run "
          + "every role (heartbeat,sse,replay,gateway); set cluster.enabled=true to spread roles over several nodes");
    }
  }

  /**
   * Throws a {@link ConfigException} naming the key when {@code config} cannot run.
   *
   * @param clustered whether the node runs in a clustered Vert.x ({@code cluster.enabled})
   */
  static void check(HeraldConfig config, boolean clustered) {
    Set<Role> roles = config.roles();
    if (clustered && !"redis".equals(config.store().type())) {
      throw new ConfigException("store.type", "cluster.enabled=true needs store.type=redis (with store.redis.host and "
          + "store.redis.port): the nodes of a cluster share sessions and history through Redis; a memory store "
          + "cannot be shared (store.type is " + config.store().type() + ")");
    }
    if (roles.contains(Role.SSE) && !roles.contains(Role.GATEWAY)) {
      throw new ConfigException("roles", "roles=" + text(roles) + ": sse needs gateway on the same node (streams are "
          + "HTTP connections the gateway hands to the sse verticle); add gateway or leave out sse");
    }
  }

  static String text(Set<Role> roles) {
    return roles.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(","));
  }
}
