package dev.herald.sse.testing;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An incremental parser of an SSE byte stream that follows the WHATWG HTML "event stream
 * interpretation" rules exactly: lines end with CRLF, LF or CR (also when a CRLF is split across
 * chunks); a leading BOM is dropped; {@code :} starts a comment; a field name is what comes before the
 * first colon and one space after the colon is removed; {@code event}, {@code data}, {@code id} (ignored
 * when it contains NUL) and {@code retry} (digits only) are the known fields; a blank line dispatches
 * an event unless its data buffer is empty, and data lines are joined with {@code \n}.
 *
 * <p>Feed it the response body bytes in any chunking; it is not thread-safe.
 */
public final class SseParser {

  /** Receives what the stream carries, in order. */
  public interface Listener {
    /** A dispatched event. */
    void event(SseEvent event);

    /** A comment line's text after the colon (a leading space is kept as sent). */
    default void comment(String text) {
    }

    /** A valid {@code retry:} field, in milliseconds. */
    default void retry(long millis) {
    }
  }

  private final Listener listener;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private boolean afterCr;
  private boolean firstLine = true;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String eventType = "";
  private String blockId;
  private String lastEventIdBuffer = "";
  private String lastEventId = "";

  public SseParser(Listener listener) {
    this.listener = listener;
  }

  /** Parses the next bytes of the stream. */
  public void feed(Buffer chunk) {
    feed(chunk.getBytes());
  }

  /** Parses the next bytes of the stream. */
  public void feed(byte[] bytes) {
    for (byte b : bytes) {
      if (afterCr) {
        afterCr = false;
        if (b == '\n') {
          continue;
        }
      }
      if (b == '\n' || b == '\r') {
        afterCr = b == '\r';
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (firstLine && text.startsWith("\uFEFF")) {
          text = text.substring(1);
        }
        firstLine = false;
        processLine(text);
      } else {
        line.write(b);
      }
    }
  }

  /** The last event id in force: what an {@code EventSource} would send back as {@code Last-Event-ID}. */
  public String lastEventId() {
    return lastEventId;
  }

  private void processLine(String text) {
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    if (text.charAt(0) == ':') {
      listener.comment(text.substring(1));
      return;
    }
    int colon = text.indexOf(':');
    String field;
    String value;
    if (colon < 0) {
      field = text;
      value = "";
    } else {
      field = text.substring(0, colon);
      value = text.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
    }
    switch (field) {
      case "event" -> eventType = value;
      case "data" -> {
        data.append(value).append('\n');
        hasData = true;
      }
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventIdBuffer = value;
          blockId = value;
        }
      }
      case "retry" -> {
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
          listener.retry(Long.parseLong(value));
        }
      }
      default -> {
        // unknown fields are ignored
      }
    }
  }

  private void dispatch() {
    lastEventId = lastEventIdBuffer;
    String id = blockId;
    blockId = null;
    if (!hasData) {
      data.setLength(0);
      eventType = "";
      return;
    }
    String d = data.substring(0, data.length() - 1);
    String type = eventType.isEmpty() ? "message" : eventType;
    data.setLength(0);
    hasData = false;
    eventType = "";
    listener.event(new SseEvent(type, d, id, lastEventId));
  }
}
