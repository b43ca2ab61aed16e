package dev.herald.replay.api;

/**
 * One event as the history holds it and as fan-out carries it.
 *
 * @param channel     the channel name
 * @param epoch       the channel's epoch (changes when the store lost the channel)
 * @param seq         the channel's sequence number of this event, from 1, without holes within an epoch
 * @param event       the event name, or {@code null} for an unnamed event
 * @param data        the published data as compact JSON text
 * @param publishedAt publish time in epoch milliseconds
 */
public record StoredEvent(String channel, long epoch, long seq, String event, String data, long publishedAt) {

  /** This event's id: its single-channel {@link Cursor}. */
  public String id() {
    return Cursor.single(channel, epoch, seq, publishedAt / 1000);
  }

  /** This event's position, for building multi-channel cursors. */
  public Cursor.Position position() {
    return new Cursor.Position(Cursor.key(channel), epoch, seq, publishedAt / 1000);
  }
}
