package dev.herald.replay.api;

/** Why events a reader asked for are gone (G2, docs/guarantees.md); the wire value is {@link #wire()}. */
public enum GapReason {
  /** Trimmed by {@code history.maxEvents}. */
  TRIMMED("trimmed"),
  /** Older than {@code history.maxAge}, or the whole channel removed after {@code history.idleChannelTtl}. */
  EXPIRED("expired"),
  /** The store lost the channel (a new epoch: restart without persistence, flush, eviction). */
  RESET("reset"),
  /** The id sent back cannot be read. */
  INVALID_CURSOR("invalid-cursor");

  private final String wire;

  GapReason(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static GapReason fromWire(String s) {
    for (GapReason r : values()) {
      if (r.wire.equals(s)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown gap reason " + s);
  }
}
