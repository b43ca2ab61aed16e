package dev.herald.bench.jmh;

import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.StoredEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Realistic event coordinates for the benchmarks: an epoch of the size the stores make (below 2^48, 7
 * varint bytes), a sequence number in the hundred thousands (3 bytes) and a current publish time
 * (5 bytes), so cursors have their production length (21 bytes per channel before base64).
 */
public final class Events {
  /** A channel epoch as the memory store (random below 2^48) or Redis (16 µs units since 2020) makes it. */
  public static final long EPOCH = 0x9A3C_5E7F_1B2DL;
  /** A sequence number well into a busy channel's life. */
  public static final long SEQ = 123_456;
  /** 2024-11-22T00:00:00.123Z in epoch milliseconds. */
  public static final long PUBLISHED_AT = 1_732_233_600_123L;
  /** The event name every benchmark event carries. */
  public static final String NAME = "update";

  private Events() {
  }

  /** The i-th channel name of a benchmark (a valid Herald channel name). */
  public static String channel(int i) {
    return "bench.room-" + i;
  }

  /** An event of {@code channel} at {@code seq} with {@code data}. */
  public static StoredEvent event(String channel, long seq, String data) {
    return new StoredEvent(channel, EPOCH, seq, NAME, data, PUBLISHED_AT);
  }

  /** One position per channel {@code 0..n-1}, each at {@link #SEQ} plus its index. */
  public static List<Cursor.Position> positions(int n) {
    List<Cursor.Position> ps = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ps.add(new Cursor.Position(Cursor.key(channel(i)), EPOCH + i, SEQ + i, PUBLISHED_AT / 1000));
    }
    return ps;
  }
}
