package dev.herald.cluster;

import java.util.List;
import java.util.Objects;

/**
 * How a member finds and joins a Herald cluster: the same settings as a node's {@code cluster.*}
 * (README.md#configuration).
 *
 * @param name      the cluster name ({@code cluster.name}); members with another name never join
 * @param join      {@link Join#TCP}: the {@code members} list; {@link Join#KUBERNETES}: the headless Service
 *                  {@code service} by DNS (no RBAC needed)
 * @param members   with TCP, {@code host:port} of Hazelcast members to join (at least one running node)
 * @param service   with Kubernetes, the headless Service's DNS name
 * @param host      this member's address, reachable by the others (interfaces are limited to it when it is
 *                  an IP literal)
 * @param port      this member's Hazelcast port ({@code cluster.port}; 5701 for nodes)
 * @param busPort   this member's event-bus port ({@code cluster.busPort}; 0 for any free port)
 */
public record ClusterOptions(String name, Join join, List<String> members, String service, String host, int port,
                             int busPort) {

  /** How members find each other. */
  public enum Join { TCP, KUBERNETES }

  public ClusterOptions {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(join, "join");
    Objects.requireNonNull(host, "host");
    members = List.copyOf(members);
    if (join == Join.KUBERNETES && (service == null || service.isEmpty())) {
      throw new IllegalArgumentException("Kubernetes discovery needs the headless Service's DNS name");
    }
    if (port < 0 || port > 65535 || busPort < 0 || busPort > 65535) {
      throw new IllegalArgumentException("ports are 0 to 65535");
    }
  }

  /** A member that joins the members listed ({@code host:port}) over TCP. */
  public static ClusterOptions tcp(String name, String host, int port, List<String> members) {
    return new ClusterOptions(name, Join.TCP, members, null, host, port, 0);
  }

  /** A member of a Kubernetes deployment that finds the others through the headless Service {@code service}. */
  public static ClusterOptions kubernetes(String name, String host, int port, String service) {
    return new ClusterOptions(name, Join.KUBERNETES, List.of(), service, host, port, 0);
  }

  /** The same with the event bus on {@code busPort}. */
  public ClusterOptions withBusPort(int busPort) {
    return new ClusterOptions(name, join, members, service, host, port, busPort);
  }
}
