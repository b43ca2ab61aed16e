package dev.herald.bench;

import io.netty.buffer.ByteBuf;

/**
 * The bench token inside every published event's data: {@code ~channel,seq,publishMicros~}, followed
 * by optional padding. It is plain ASCII without quotes or backslashes, so it survives being a JSON
 * string (Herald), being wrapped in an envelope, or being sent raw (peers); the decoder finds it
 * anywhere in the data.
 */
final class Payload {
  static final byte MARK = '~';

  private Payload() {
  }

  /** Writes the token and {@code pad} padding bytes. */
  static void write(ByteBuf out, int channel, long seq, long micros, int pad) {
    out.writeByte(MARK);
    writeDecimal(out, channel);
    out.writeByte(',');
    writeDecimal(out, seq);
    out.writeByte(',');
    writeDecimal(out, micros);
    out.writeByte(MARK);
    for (int i = 0; i < pad; i++) {
      out.writeByte('x');
    }
  }

  /** Length in bytes of what {@link #write} writes. */
  static int length(int channel, long seq, long micros, int pad) {
    return 4 + digits(channel) + digits(seq) + digits(micros) + pad;
  }

  /**
   * Decodes the token found in {@code b[off, off+len)} into {@code out[0..2]} (channel, seq, micros).
   *
   * @return false when the data holds no well-formed token
   */
  static boolean decode(byte[] b, int off, int len, long[] out) {
    int end = off + len;
    int i = off;
    while (i < end && b[i] != MARK) {
      i++;
    }
    i++;
    for (int field = 0; field < 3; field++) {
      long v = 0;
      int start = i;
      while (i < end) {
        byte c = b[i];
        if (c < '0' || c > '9') {
          break;
        }
        v = v * 10 + (c - '0');
        i++;
      }
      if (i == start || i >= end || i - start > 18) {
        return false;
      }
      byte sep = b[i];
      if (sep != (field == 2 ? MARK : (byte) ',')) {
        return false;
      }
      out[field] = v;
      i++;
    }
    return true;
  }

  static void writeDecimal(ByteBuf out, long v) {
    if (v < 0) {
      throw new IllegalArgumentException("negative: " + v);
    }
    if (v < 10) {
      out.writeByte((int) ('0' + v));
      return;
    }
    int n = digits(v);
    int at = out.writerIndex();
    out.ensureWritable(n);
    for (int i = n - 1; i >= 0; i--) {
      out.setByte(at + i, (int) ('0' + v % 10));
      v /= 10;
    }
    out.writerIndex(at + n);
  }

  static int digits(long v) {
    int n = 1;
    while (v >= 10) {
      v /= 10;
      n++;
    }
    return n;
  }
}
