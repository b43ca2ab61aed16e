package dev.herald.replay.api;

/**
 * Event-bus addresses of the replay verticle under the configured prefix ({@code name}, default
 * {@code herald}). The only place these addresses are spelled; see {@code docs/event-bus.md}.
 */
public record HistoryAddresses(String prefix) {
  public static final HistoryAddresses DEFAULT = new HistoryAddresses("herald");

  /** Request/reply: publish one event or a batch; replies once stored. */
  public String publish() {
    return prefix + ".publish";
  }

  /** Request/reply: read a channel's retained events after a cursor. */
  public String history() {
    return prefix + ".history";
  }

  /** Request/reply: the head (epoch, last sequence number) of each of a list of channels. */
  public String heads() {
    return prefix + ".history.heads";
  }

  /** Request/reply: per-node channel statistics for the console. */
  public String stats() {
    return prefix + ".history.stats";
  }

  /** Fan-out: every stored event of a channel is event-bus published here as a {@link StoredEvent}. */
  public String channel(String channel) {
    return prefix + ".channel." + channel;
  }
}
