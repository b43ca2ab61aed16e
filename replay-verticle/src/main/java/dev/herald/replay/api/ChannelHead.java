package dev.herald.replay.api;

/**
 * Where a channel stands in the history store: its current epoch and the sequence number of its last
 * event. A channel the store does not hold (never published, removed, lost) has epoch and seq 0.
 */
public record ChannelHead(String channel, long epoch, long seq) {
  /** True when the store holds the channel. */
  public boolean exists() {
    return epoch != 0;
  }
}
