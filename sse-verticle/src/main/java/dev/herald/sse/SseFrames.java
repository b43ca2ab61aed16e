package dev.herald.sse;

import dev.herald.replay.api.GapReason;
import dev.herald.sse.api.StreamRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;

/**
 * The SSE wire format of docs/http-api.md#streams, in one place. Every frame is built from text Herald produced or
 * validated, and published data goes through {@link #appendData}: it splits on every line break, so
 * no published byte can end a field or an event early.
 *
 * <p>Buffers returned here may be shared by many streams and threads: callers never modify them.
 */
final class SseFrames {
  /** The event name of gap notices (G2). */
  static final String GAP_EVENT = "herald.gap";
  /** The event name of the last event of a stream whose token expired. */
  static final String EXPIRED_EVENT = "herald.expired";
  private static final String EXPIRED_DATA = "{\"reason\":\"token-expired\"}";
  /**
   * The last event of a stream whose token expired (docs/http-api.md#streams): without an id, so the client's
   * last id stays that of the last event it got; named, but unnamed in {@code envelope=2} like every event there.
   */
  static final Buffer EXPIRED = body(EXPIRED_EVENT, EXPIRED_DATA);
  private static final Buffer EXPIRED_ENVELOPED = eventEnvelopeBody(null, EXPIRED_EVENT, null, EXPIRED_DATA);
  /** The event name of the first event of an {@code envelope=2} stream, whose id is where the stream starts. */
  static final String OPEN_EVENT = "herald.open";
  /** The body of that event: {@code {"channel":null,"event":"herald.open","id":null,"data":null}}. */
  static final Buffer OPEN = Buffer.buffer("data: {\"channel\":null,\"event\":\"" + OPEN_EVENT
      + "\",\"id\":null,\"data\":null}\n\n");
  /** Keep-alive: an empty comment and the blank line that ends it. */
  static final Buffer PING = Buffer.buffer(":\n\n");
  /** Size of the padding comment sent first with {@code sse.padding}. */
  static final int PADDING_BYTES = 2048;
  /** Frames up to this size are joined by copying; larger ones by a zero-copy composite. */
  private static final int COPY_LIMIT = 4096;
  /** Runs of frames up to this size are concatenated by copying; longer ones by a zero-copy composite. */
  private static final int CONCAT_COPY_LIMIT = 64 * 1024;

  private SseFrames() {
  }

  /** The first bytes of every stream: the {@code retry:} hint and a comment (2 KiB of padding, or {@code : ok}). */
  static Buffer prelude(long retryMs, boolean padding) {
    StringBuilder b = new StringBuilder(padding ? PADDING_BYTES + 32 : 32);
    b.append("retry: ").append(retryMs).append('\n');
    if (padding) {
      b.append(':').append(" ".repeat(PADDING_BYTES - 2)).append('\n');
    } else {
      b.append(": ok\n");
    }
    b.append('\n');
    return Buffer.buffer(b.toString());
  }

  /** The whole body of a stream that is turned away at once: a {@code retry:} and a comment saying why. */
  static Buffer turnAway(long retryMs, String why) {
    checkField("comment", why);
    return Buffer.buffer("retry: " + retryMs + "\n: " + why + "\n\n");
  }

  /** A {@code retry:} hint on its own (a blank line ends it; no event is dispatched, the last id stays). */
  static Buffer retry(long retryMs) {
    return Buffer.buffer("retry: " + retryMs + "\n\n");
  }

  /** The {@code id:} line of an event; {@code id} is a cursor (base64url), never client input. */
  static Buffer idLine(String id) {
    checkField("id", id);
    return Buffer.buffer("id: " + id + "\n");
  }

  /**
   * An event without its id line: {@code event:} when named, the {@code data:} lines, the blank line.
   *
   * @param event    the event name, or {@code null}
   * @param dataJson the data as JSON text; a JSON string is sent as its value
   */
  static Buffer body(String event, String dataJson) {
    StringBuilder b = new StringBuilder(dataJson.length() + 32);
    appendEventLine(b, event);
    appendData(b, dataJson);
    return Buffer.buffer(b.append('\n').toString());
  }

  /** Like {@link #body} with the data wrapped as {@code {"channel":…,"data":…}} (envelope=1). */
  static Buffer envelopeBody(String channel, String event, String dataJson) {
    StringBuilder b = new StringBuilder(dataJson.length() + channel.length() + 48);
    appendEventLine(b, event);
    appendData(b, envelope(channel, dataJson));
    return Buffer.buffer(b.append('\n').toString());
  }

  /**
   * An event without its id line in the given envelope ({@code StreamRequest.PLAIN}, {@code CHANNEL} or
   * {@code EVENT}).
   *
   * @param id the event's own id ({@code EVENT} only; {@code null} for Herald's notices such as gaps)
   */
  static Buffer body(String channel, String event, String id, String dataJson, int envelope) {
    return switch (envelope) {
      case StreamRequest.PLAIN -> body(event, dataJson);
      case StreamRequest.CHANNEL -> envelopeBody(channel, event, dataJson);
      default -> eventEnvelopeBody(channel, event, id, dataJson);
    };
  }

  /**
   * An unnamed event whose data is {@code {"channel":…|null,"event":…|null,"id":…|null,"data":…}} (envelope=2):
   * an {@code EventSource}'s {@code onmessage} gets every one without declaring names.
   */
  static Buffer eventEnvelopeBody(String channel, String event, String id, String dataJson) {
    StringBuilder b = new StringBuilder(dataJson.length() + (channel == null ? 0 : channel.length()) + 96);
    b.append("{\"channel\":").append(Json.encode(channel)).append(",\"event\":")
        .append(event == null ? "null" : Json.encode(event)).append(",\"id\":")
        .append(id == null ? "null" : Json.encode(id)).append(",\"data\":").append(dataJson).append('}');
    StringBuilder out = new StringBuilder(b.length() + 16);
    appendLines(out, b.toString());
    return Buffer.buffer(out.append('\n').toString());
  }

  /** The {@code herald.expired} event in the given envelope. */
  static Buffer expired(int envelope) {
    return envelope == StreamRequest.EVENT ? EXPIRED_ENVELOPED : EXPIRED;
  }

  /** A {@code herald.gap} event (no id): data {@code {"channel":…,"reason":…}}, in the given envelope. */
  static Buffer gap(String channel, GapReason reason, int envelope) {
    String data = "{\"channel\":" + Json.encode(channel) + ",\"reason\":" + Json.encode(reason.wire()) + "}";
    return body(channel, GAP_EVENT, null, data, envelope);
  }

  /** {@code {"channel":<channel>,"data":<data>}} as JSON text. */
  static String envelope(String channel, String dataJson) {
    return "{\"channel\":" + Json.encode(channel) + ",\"data\":" + dataJson + "}";
  }

  /** One frame made of an id line and a shared body, without changing either. */
  static Buffer join(Buffer idLine, Buffer body) {
    if (idLine.length() + body.length() <= COPY_LIMIT) {
      return Buffer.buffer(idLine.length() + body.length()).appendBuffer(idLine).appendBuffer(body);
    }
    return Internals.buffer(Unpooled.wrappedBuffer(Internals.byteBuf(idLine), Internals.byteBuf(body)));
  }

  /** {@code parts[0, count)} one after the other as one buffer, without changing any of them. */
  static Buffer concat(Buffer[] parts, int count) {
    int total = 0;
    for (int i = 0; i < count; i++) {
      total += parts[i].length();
    }
    if (total <= CONCAT_COPY_LIMIT) {
      Buffer joined = Buffer.buffer(total);
      for (int i = 0; i < count; i++) {
        joined.appendBuffer(parts[i]);
      }
      return joined;
    }
    ByteBuf[] bufs = new ByteBuf[count];
    for (int i = 0; i < count; i++) {
      bufs[i] = Internals.byteBuf(parts[i]);
    }
    return Internals.buffer(Unpooled.wrappedBuffer(count, bufs));
  }

  /**
   * Appends the {@code data:} lines of a JSON value: a JSON string's value as is, anything else as its
   * JSON text; either way split on every line break ({@code \r\n}, {@code \r}, {@code \n}) into one
   * {@code data: } line each. (A line break in non-string JSON text is whitespace between tokens, so the
   * text a client joins back with {@code \n} is the same JSON value.)
   */
  static void appendData(StringBuilder b, String dataJson) {
    appendLines(b, textOf(dataJson));
  }

  /** The text to send for a JSON value: the decoded value of a JSON string, else the JSON text itself. */
  private static String textOf(String dataJson) {
    int i = 0;
    while (i < dataJson.length() && isJsonSpace(dataJson.charAt(i))) {
      i++;
    }
    if (i < dataJson.length() && dataJson.charAt(i) == '"') {
      try {
        Object v = Json.decodeValue(dataJson);
        if (v instanceof String s) {
          return s;
        }
      } catch (DecodeException notJson) {
        // published data is validated JSON; if not, it is sent as text, still split into lines
      }
    }
    return dataJson;
  }

  /** Appends {@code data: <line>\n} for each line of {@code text}; an empty text is one empty line. */
  private static void appendLines(StringBuilder b, String text) {
    int start = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        b.append("data: ").append(text, start, i).append('\n');
        if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    b.append("data: ").append(text, start, n).append('\n');
  }

  private static void appendEventLine(StringBuilder b, String event) {
    if (event != null) {
      checkField("event", event);
      b.append("event: ").append(event).append('\n');
    }
  }

  /** Field values Herald writes come from validated names and cursors; this keeps any other from a stream. */
  private static void checkField(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\n' || c == '\r' || c == 0) {
        throw new IllegalArgumentException("an SSE " + field + " may not contain a line break or NUL");
      }
    }
  }

  private static boolean isJsonSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }
}
