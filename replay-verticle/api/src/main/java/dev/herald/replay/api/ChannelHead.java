package dev.herald.replay.api;

/**
 * Where a channel stands in the history store: its current epoch, the sequence number of its newest event
 * and that event's publish time (seconds), whether or not the event is still retained. A channel the store
 * does not hold (never published, removed for idleness, lost) has epoch, seq and time 0.
 */
public record ChannelHead(String channel, long epoch, long seq, long timeSec) {

  /** A channel the store does not hold. */
  public static ChannelHead none(String channel) {
    return new ChannelHead(channel, 0, 0, 0);
  }

  /** True when the store holds the channel. */
  public boolean exists() {
    return epoch != 0;
  }

  /** The head as a cursor position: a reader that stands here reads every later event. */
  public Cursor.Position position() {
    return new Cursor.Position(Cursor.key(channel), epoch, seq, timeSec);
  }
}
