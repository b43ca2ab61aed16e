package dev.herald.replay.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The opaque event id of docs/http-api.md#streams: a position in one or more channels, safe to send back as
 * {@code Last-Event-ID} even when the stream's channel set changed.
 *
 * <p>Wire form: base64url (no padding) of a version byte {@code 1} followed by one entry per channel:
 * the channel key (48 bits of FNV-1a 64 of the channel name, 6 bytes big-endian), then the channel's
 * epoch, the event's sequence number and the event's publish time in epoch seconds, each an unsigned
 * LEB128 varint. A single-channel cursor is exactly the id a publish returns for that event.
 *
 * <p>The publish time lets a reader tell a channel removed for idleness ({@link GapReason#EXPIRED})
 * from a channel the store lost ({@link GapReason#RESET}) when the epoch no longer matches.
 */
public final class Cursor {
  private static final int VERSION = 1;
  private static final int MAX_ENTRIES = 256;
  private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DEC = Base64.getUrlDecoder();

  /** One channel's position: the last event seen there. */
  public record Position(long key, long epoch, long seq, long timeSec) {
  }

  private final List<Position> positions;

  private Cursor(List<Position> positions) {
    this.positions = positions;
  }

  public static Cursor of(List<Position> positions) {
    return new Cursor(List.copyOf(positions));
  }

  public List<Position> positions() {
    return positions;
  }

  /** The channel's position in this cursor, or {@code null} when the cursor does not cover it. */
  public Position find(String channel) {
    long k = key(channel);
    for (Position p : positions) {
      if (p.key() == k) {
        return p;
      }
    }
    return null;
  }

  /** The 48-bit key of a channel name (FNV-1a 64 over its UTF-8 bytes, low 48 bits). */
  public static long key(String channel) {
    long h = 0xcbf29ce484222325L;
    for (byte b : channel.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return h & 0xFFFF_FFFF_FFFFL;
  }

  /** The id of one event in one channel. */
  public static String single(String channel, long epoch, long seq, long timeSec) {
    return encode(List.of(new Position(key(channel), epoch, seq, timeSec)));
  }

  public String encode() {
    return encode(positions);
  }

  public static String encode(List<Position> positions) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 + positions.size() * 20);
    out.write(VERSION);
    for (Position p : positions) {
      long k = p.key();
      for (int shift = 40; shift >= 0; shift -= 8) {
        out.write((int) (k >>> shift) & 0xff);
      }
      varint(out, p.epoch());
      varint(out, p.seq());
      varint(out, p.timeSec());
    }
    return ENC.encodeToString(out.toByteArray());
  }

  /**
   * Reads a cursor.
   *
   * @throws IllegalArgumentException when {@code s} is not a cursor this version of Herald wrote
   */
  public static Cursor decode(String s) {
    if (s == null || s.isEmpty() || s.length() > 8192) {
      throw new IllegalArgumentException("not a Herald event id");
    }
    byte[] b;
    try {
      b = DEC.decode(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a Herald event id");
    }
    if (b.length < 1 || b[0] != VERSION) {
      throw new IllegalArgumentException("not a Herald event id (unknown version)");
    }
    int[] at = {1};
    List<Position> out = new ArrayList<>();
    while (at[0] < b.length) {
      if (b.length - at[0] < 9 || out.size() >= MAX_ENTRIES) {
        throw new IllegalArgumentException("not a Herald event id (truncated)");
      }
      long k = 0;
      for (int i = 0; i < 6; i++) {
        k = (k << 8) | (b[at[0]++] & 0xff);
      }
      long epoch = readVarint(b, at);
      long seq = readVarint(b, at);
      long time = readVarint(b, at);
      out.add(new Position(k, epoch, seq, time));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("not a Herald event id (empty)");
    }
    return new Cursor(List.copyOf(out));
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    if (v < 0) {
      throw new IllegalArgumentException("negative cursor field");
    }
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static long readVarint(byte[] b, int[] at) {
    long v = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      if (at[0] >= b.length) {
        throw new IllegalArgumentException("not a Herald event id (truncated)");
      }
      int x = b[at[0]++] & 0xff;
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("not a Herald event id (bad number)");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cursor c && c.positions.equals(positions);
  }

  @Override
  public int hashCode() {
    return positions.hashCode();
  }

  @Override
  public String toString() {
    return encode();
  }
}
