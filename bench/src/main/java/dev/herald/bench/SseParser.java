package dev.herald.bench;

import java.util.Arrays;

/**
 * Incremental Server-Sent Events parser (the WHATWG event-stream rules): bytes arrive in pieces of
 * any size, lines end in LF, CR or CRLF (a CRLF split across two pieces included), {@code data}
 * lines of one event are joined with LF, {@code id} sets the last event id (kept across
 * {@link #resetStream()}, as an EventSource keeps it across reconnections), comments are counted
 * and dropped, a blank line dispatches. Nothing is allocated per byte or per event: lines are
 * scanned in place and only copied into reused buffers, which grow to the largest line seen.
 */
final class SseParser {
  /** Hears each dispatched event; the parser's buffers are valid only during the call. */
  interface Listener {
    void onEvent(SseParser event);
  }

  private static final byte[] DATA = {'d', 'a', 't', 'a'};
  private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
  private static final byte[] ID = {'i', 'd'};
  private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y'};

  private final Listener listener;
  private byte[] line = new byte[64];
  private int lineLen;
  private boolean skipLf;
  private byte[] data = new byte[64];
  private int dataLen;
  private int dataLines;
  private byte[] event = new byte[16];
  private int eventLen;
  private byte[] id = new byte[32];
  private int idLen;
  private long comments;
  private long retry = -1;

  SseParser(Listener listener) {
    this.listener = listener;
  }

  /** Feeds the next bytes of the stream. */
  void feed(byte[] b, int off, int len) {
    int end = off + len;
    int i = off;
    if (skipLf && i < end) {
      if (b[i] == '\n') {
        i++;
      }
      skipLf = false;
    }
    while (i < end) {
      int start = i;
      while (i < end && b[i] != '\n' && b[i] != '\r') {
        i++;
      }
      if (i == end) {
        append(b, start, end - start);
        return;
      }
      byte terminator = b[i];
      if (lineLen > 0) {
        append(b, start, i - start);
        line(line, 0, lineLen);
        lineLen = 0;
      } else {
        line(b, start, i - start);
      }
      i++;
      if (terminator == '\r') {
        if (i == end) {
          skipLf = true;
          return;
        }
        if (b[i] == '\n') {
          i++;
        }
      }
    }
  }

  /** Forgets a partly received event and line (a new connection), keeping the last event id. */
  void resetStream() {
    lineLen = 0;
    skipLf = false;
    dataLen = 0;
    dataLines = 0;
    eventLen = 0;
  }

  byte[] data() {
    return data;
  }

  int dataLength() {
    return dataLen;
  }

  /** The event name's bytes ({@link #eventLength()} 0: the default {@code message}). */
  byte[] event() {
    return event;
  }

  int eventLength() {
    return eventLen;
  }

  /** True when the event's name is exactly {@code name} (ASCII). */
  boolean eventIs(byte[] name) {
    return eventLen == name.length && Arrays.equals(event, 0, eventLen, name, 0, name.length);
  }

  byte[] lastId() {
    return id;
  }

  int lastIdLength() {
    return idLen;
  }

  /** The last event id as text (allocates; for reconnecting, not per event). */
  String lastIdString() {
    return new String(id, 0, idLen, java.nio.charset.StandardCharsets.UTF_8);
  }

  long comments() {
    return comments;
  }

  /** The last {@code retry} value in milliseconds, or -1. */
  long retry() {
    return retry;
  }

  private void append(byte[] b, int off, int len) {
    if (lineLen + len > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + len));
    }
    System.arraycopy(b, off, line, lineLen, len);
    lineLen += len;
  }

  private void line(byte[] b, int off, int len) {
    if (len == 0) {
      dispatch();
      return;
    }
    if (b[off] == ':') {
      comments++;
      return;
    }
    int colon = off;
    int end = off + len;
    while (colon < end && b[colon] != ':') {
      colon++;
    }
    int nameLen = colon - off;
    int v = colon < end ? colon + 1 : end;
    if (v < end && b[v] == ' ') {
      v++;
    }
    int valueLen = end - v;
    if (is(b, off, nameLen, DATA)) {
      int need = dataLen + valueLen + (dataLines > 0 ? 1 : 0);
      if (need > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, need));
      }
      if (dataLines > 0) {
        data[dataLen++] = '\n';
      }
      System.arraycopy(b, v, data, dataLen, valueLen);
      dataLen += valueLen;
      dataLines++;
    } else if (is(b, off, nameLen, EVENT)) {
      if (valueLen > event.length) {
        event = Arrays.copyOf(event, Math.max(event.length * 2, valueLen));
      }
      System.arraycopy(b, v, event, 0, valueLen);
      eventLen = valueLen;
    } else if (is(b, off, nameLen, ID)) {
      for (int k = v; k < end; k++) {
        if (b[k] == 0) {
          return; // the spec ignores an id containing NUL
        }
      }
      if (valueLen > id.length) {
        id = Arrays.copyOf(id, Math.max(id.length * 2, valueLen));
      }
      System.arraycopy(b, v, id, 0, valueLen);
      idLen = valueLen;
    } else if (is(b, off, nameLen, RETRY)) {
      long r = 0;
      for (int k = v; k < end; k++) {
        if (b[k] < '0' || b[k] > '9') {
          return;
        }
        r = r * 10 + (b[k] - '0');
      }
      if (valueLen > 0) {
        retry = r;
      }
    }
  }

  private void dispatch() {
    if (dataLines > 0) {
      listener.onEvent(this);
    }
    dataLen = 0;
    dataLines = 0;
    eventLen = 0;
  }

  private static boolean is(byte[] b, int off, int len, byte[] name) {
    return len == name.length && Arrays.equals(b, off, off + len, name, 0, len);
  }
}
