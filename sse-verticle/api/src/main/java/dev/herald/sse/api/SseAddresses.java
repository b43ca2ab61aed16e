package dev.herald.sse.api;

/**
 * Event-bus addresses of the sse verticle under the configured prefix ({@code name}, default
 * {@code herald}); see {@code docs/event-bus.md}.
 */
public record SseAddresses(String prefix) {
  public static final SseAddresses DEFAULT = new SseAddresses("herald");

  /** Published when a stream opens: a {@link StreamInfo} as JSON. */
  public String connect() {
    return prefix + ".sse.connect";
  }

  /** Published when a stream closes: a {@link StreamInfo} as JSON plus {@code "reason"}. */
  public String disconnect() {
    return prefix + ".sse.disconnect";
  }
}
