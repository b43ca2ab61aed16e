package dev.herald.bench;

import java.util.Arrays;

/**
 * Incremental HTTP/1.1 response parser for a client connection: status line, headers (each handed
 * to the handler as byte ranges), then a body framed by {@code Transfer-Encoding: chunked},
 * {@code Content-Length} or the connection's end. Responses follow one another on a keep-alive or
 * pipelined connection. Body bytes are passed through as ranges of the input, never copied.
 */
final class HttpResponseParser {
  /** What the parser finds; ranges are valid only during the call. */
  interface Handler {
    /** The status line was read. */
    void onStatus(int status);

    /** One header; {@code b[nameOff, nameOff+nameLen)} and {@code b[valueOff, valueOff+valueLen)}. */
    default void onHeader(byte[] b, int nameOff, int nameLen, int valueOff, int valueLen) {
    }

    /** All headers were read; the body follows. */
    void onHeadersEnd();

    /** A piece of the (de-chunked) body. */
    void onBody(byte[] b, int off, int len);

    /** The response is complete. */
    void onEnd();
  }

  /** Thrown when the bytes are not an HTTP/1.x response. */
  static final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
      super(message);
    }
  }

  private enum State { STATUS, HEADERS, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE }

  private static final byte[] CONTENT_LENGTH = "content-length".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] TRANSFER_ENCODING =
      "transfer-encoding".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] CHUNKED = "chunked".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int MAX_LINE = 64 * 1024;

  private final Handler handler;
  private State state = State.STATUS;
  private byte[] line = new byte[256];
  private int lineLen;
  private int status;
  private long contentLength;
  private boolean chunked;
  private long remaining;

  HttpResponseParser(Handler handler) {
    this.handler = handler;
  }

  /** Starts over (a new connection). */
  void reset() {
    state = State.STATUS;
    lineLen = 0;
  }

  /** The status of the response being read (or last read). */
  int status() {
    return status;
  }

  /** Feeds the next bytes from the connection. */
  void feed(byte[] b, int off, int len) {
    int end = off + len;
    int i = off;
    while (i < end) {
      switch (state) {
        case FIXED, CHUNK_DATA -> {
          int n = (int) Math.min(remaining, end - i);
          handler.onBody(b, i, n);
          i += n;
          remaining -= n;
          if (remaining == 0) {
            if (state == State.FIXED) {
              finish();
            } else {
              state = State.CHUNK_END;
            }
          }
        }
        case UNTIL_CLOSE -> {
          handler.onBody(b, i, end - i);
          i = end;
        }
        default -> {
          int nl = i;
          while (nl < end && b[nl] != '\n') {
            nl++;
          }
          if (nl == end) {
            append(b, i, end - i);
            return;
          }
          int lineEnd = nl > i && b[nl - 1] == '\r' ? nl - 1 : nl;
          if (lineLen > 0) {
            append(b, i, nl - i);
            int l = lineLen > 0 && line[lineLen - 1] == '\r' ? lineLen - 1 : lineLen;
            lineLen = 0;
            line(line, 0, l);
          } else {
            line(b, i, lineEnd - i);
          }
          i = nl + 1;
        }
      }
    }
  }

  /** The connection ended: completes a body that runs until the close. */
  void closed() {
    if (state == State.UNTIL_CLOSE) {
      finish();
    }
  }

  private void append(byte[] b, int off, int len) {
    if (lineLen + len > MAX_LINE) {
      throw new ProtocolException("a response line is longer than " + MAX_LINE + " bytes");
    }
    if (lineLen + len > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + len));
    }
    System.arraycopy(b, off, line, lineLen, len);
    lineLen += len;
  }

  private void line(byte[] b, int off, int len) {
    switch (state) {
      case STATUS -> statusLine(b, off, len);
      case HEADERS -> {
        if (len == 0) {
          headersEnd();
        } else {
          header(b, off, len);
        }
      }
      case CHUNK_SIZE -> chunkSize(b, off, len);
      case CHUNK_END -> {
        if (len != 0) {
          throw new ProtocolException("a chunk is not followed by CRLF");
        }
        state = State.CHUNK_SIZE;
      }
      case TRAILERS -> {
        if (len == 0) {
          finish();
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void statusLine(byte[] b, int off, int len) {
    if (len == 0) {
      return; // tolerate a stray CRLF between responses
    }
    if (len < 12 || b[off] != 'H' || b[off + 1] != 'T' || b[off + 4] != '/' || b[off + 8] != ' ') {
      throw new ProtocolException("not an HTTP/1.x status line: "
          + new String(b, off, Math.min(len, 60), java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    int s = 0;
    for (int k = off + 9; k < off + 12; k++) {
      if (b[k] < '0' || b[k] > '9') {
        throw new ProtocolException("bad status code");
      }
      s = s * 10 + (b[k] - '0');
    }
    status = s;
    contentLength = -1;
    chunked = false;
    state = State.HEADERS;
    handler.onStatus(s);
  }

  private void header(byte[] b, int off, int len) {
    int colon = off;
    int end = off + len;
    while (colon < end && b[colon] != ':') {
      colon++;
    }
    if (colon == end) {
      throw new ProtocolException("a header line without ':'");
    }
    int v = colon + 1;
    while (v < end && (b[v] == ' ' || b[v] == '\t')) {
      v++;
    }
    int ve = end;
    while (ve > v && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
      ve--;
    }
    int nameLen = colon - off;
    if (equalsIgnoreCase(b, off, nameLen, CONTENT_LENGTH)) {
      long n = 0;
      for (int k = v; k < ve; k++) {
        if (b[k] < '0' || b[k] > '9') {
          throw new ProtocolException("bad Content-Length");
        }
        n = n * 10 + (b[k] - '0');
      }
      contentLength = n;
    } else if (equalsIgnoreCase(b, off, nameLen, TRANSFER_ENCODING)) {
      chunked = ve - v >= 7 && equalsIgnoreCase(b, ve - 7, 7, CHUNKED);
    }
    handler.onHeader(b, off, nameLen, v, ve - v);
  }

  private void headersEnd() {
    if (status >= 100 && status < 200) {
      state = State.STATUS; // an interim response: the real one follows
      return;
    }
    handler.onHeadersEnd();
    if (status == 204 || status == 304) {
      finish();
    } else if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (contentLength >= 0) {
      if (contentLength == 0) {
        finish();
      } else {
        remaining = contentLength;
        state = State.FIXED;
      }
    } else {
      state = State.UNTIL_CLOSE;
    }
  }

  private void chunkSize(byte[] b, int off, int len) {
    long n = 0;
    int k = off;
    int end = off + len;
    int digits = 0;
    for (; k < end; k++) {
      int d = Character.digit(b[k], 16);
      if (d < 0) {
        break;
      }
      n = n * 16 + d;
      if (++digits > 15) {
        throw new ProtocolException("chunk size too large");
      }
    }
    if (digits == 0) {
      throw new ProtocolException("bad chunk size line");
    }
    if (n == 0) {
      state = State.TRAILERS;
    } else {
      remaining = n;
      state = State.CHUNK_DATA;
    }
  }

  private void finish() {
    state = State.STATUS;
    handler.onEnd();
  }

  /** ASCII case-insensitive comparison of {@code b[off, off+len)} with lower-case {@code lower}. */
  static boolean equalsIgnoreCase(byte[] b, int off, int len, byte[] lower) {
    if (len != lower.length) {
      return false;
    }
    for (int k = 0; k < len; k++) {
      int c = b[off + k];
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != lower[k]) {
        return false;
      }
    }
    return true;
  }
}
