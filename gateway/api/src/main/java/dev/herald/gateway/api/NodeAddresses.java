package dev.herald.gateway.api;

/**
 * Event-bus addresses every Herald node serves, whatever its roles, under the configured prefix
 * ({@code name}, default {@code herald}); see {@code docs/event-bus.md}.
 */
public record NodeAddresses(String prefix) {
  public static final NodeAddresses DEFAULT = new NodeAddresses("herald");

  /** Request/reply: which node answers, its version, roles and cluster members ({@link NodeInfo}). */
  public String info() {
    return prefix + ".info";
  }
}
