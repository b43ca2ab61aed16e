package dev.herald.heartbeat.api;

/**
 * Event-bus addresses of the heartbeat verticle under the configured prefix ({@code name}, default
 * {@code herald}). The only place these addresses are spelled; see {@code docs/event-bus.md}.
 */
public record PresenceAddresses(String prefix) {
  public static final PresenceAddresses DEFAULT = new PresenceAddresses("herald");

  /** Request/reply: start (connect or reconnect) a session. */
  public String start() {
    return prefix + ".heartbeat.start";
  }

  /** Request/reply: beat one session ({@code sessionId}) or many ({@code sessionIds}). */
  public String beat() {
    return prefix + ".heartbeat.beat";
  }

  /** Request/reply: stop a session; its {@code disconnect} is published at once. */
  public String stop() {
    return prefix + ".heartbeat.stop";
  }

  /** Request/reply: page through connected sessions ({@code allConnected}). */
  public String list() {
    return prefix + ".sessions.list";
  }

  /** Request/reply: one session ({@code isConnected}). */
  public String get() {
    return prefix + ".sessions.get";
  }

  /** Request/reply: run a purge now. */
  public String purge() {
    return prefix + ".sessions.purge";
  }

  /** Published once per event, cluster-wide: the address of a presence event type. */
  public String event(PresenceEvent.Type type) {
    return prefix + ".presence." + type.wire();
  }
}
