package dev.herald.gateway;

import dev.herald.replay.api.Names;
import dev.herald.replay.api.PublishRequest;
import java.util.Map;
import java.util.Set;

/**
 * Checks what an HTTP client may publish: channel and event names valid and not reserved
 * ({@code herald.} is for Herald's own channels and events), {@code data} present, no unknown fields.
 * Produces the {@link PublishRequest} with {@code data} as the exact JSON text the client sent.
 */
final class Publishing {
  private static final Set<String> SINGLE_FIELDS = Set.of("event", "data");
  private static final Set<String> BATCH_FIELDS = Set.of("channel", "event", "data");
  private static final int MAX_IDEMPOTENCY_KEY = 255;

  private Publishing() {
  }

  /** A channel an HTTP client may publish to. */
  static String channel(String channel) {
    String problem = Names.channelProblem(channel);
    if (problem != null) {
      throw Problem.invalidName(problem);
    }
    if (Names.isReserved(channel)) {
      throw Problem.reservedName("channels beginning with '" + Names.RESERVED_PREFIX
          + "' are reserved for Herald; choose another channel name");
    }
    return channel;
  }

  /** The event of {@code POST /v1/channels/{channel}/events}. */
  static PublishRequest single(String channel, Map<String, RawJson.Field> body, String idempotencyKey) {
    return request(channel, body, SINGLE_FIELDS, idempotencyKey);
  }

  /** One item of {@code POST /v1/events}. */
  static PublishRequest batchItem(Map<String, RawJson.Field> item) {
    RawJson.Field channel = item.get("channel");
    if (channel == null || channel.isNull()) {
      throw Problem.badRequest("missing-channel", "'channel' is required");
    }
    if (!channel.isString()) {
      throw Problem.badRequest("invalid-field", "'channel' must be a string");
    }
    return request(channel(channel.text()), item, BATCH_FIELDS, null);
  }

  /** The {@code Idempotency-Key} header: 1–256 visible ASCII characters, or absent. */
  static String idempotencyKey(String header) {
    if (header == null) {
      return null;
    }
    boolean ok = !header.isEmpty() && header.length() <= MAX_IDEMPOTENCY_KEY;
    for (int i = 0; ok && i < header.length(); i++) {
      char c = header.charAt(i);
      ok = c > 0x20 && c < 0x7f;
    }
    if (!ok) {
      throw Problem.badRequest("invalid-idempotency-key", "the Idempotency-Key header must be 1-"
          + MAX_IDEMPOTENCY_KEY + " visible ASCII characters (a UUID is a good key)");
    }
    return header;
  }

  private static PublishRequest request(String channel, Map<String, RawJson.Field> body, Set<String> allowed,
                                        String idempotencyKey) {
    for (String name : body.keySet()) {
      if (!allowed.contains(name)) {
        throw Problem.badRequest("unknown-field", "unknown field '" + printable(name) + "'; an event has "
            + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
    RawJson.Field data = body.get("data");
    if (data == null) {
      throw Problem.badRequest("missing-data", "'data' is required: the event's payload, any JSON value "
          + "(null included)");
    }
    return new PublishRequest(channel, event(body.get("event")), data.raw(), idempotencyKey);
  }

  private static String event(RawJson.Field event) {
    if (event == null || event.isNull()) {
      return null;
    }
    if (!event.isString()) {
      throw Problem.badRequest("invalid-field", "'event' must be a string (an event name) or absent");
    }
    String name = event.text();
    String problem = Names.eventProblem(name);
    if (problem != null) {
      throw Problem.invalidName(problem);
    }
    if (Names.isReserved(name)) {
      throw Problem.reservedName("event names beginning with '" + Names.RESERVED_PREFIX
          + "' are reserved for Herald's own events; choose another event name");
    }
    return name;
  }

  /** A field name safe to quote back: at most 64 characters, only printable ASCII. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 64; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
