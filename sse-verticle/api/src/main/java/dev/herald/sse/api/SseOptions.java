package dev.herald.sse.api;

import java.time.Duration;

/**
 * Stream settings (README.md#configuration).
 *
 * @param pingInterval         {@code sse.pingInterval}: a comment is written when nothing was for this long
 * @param retryTimeout         {@code sse.retryTimeout}: the {@code retry:} hint sent first
 * @param maxQueuedBytes       {@code sse.maxQueuedBytes}: bytes queued for one stream before it is evicted (G5)
 * @param maxChannelsPerStream {@code sse.maxChannelsPerStream}: channels one stream may follow
 * @param maxStreams           {@code sse.maxStreams}: open streams per node; more answer 503
 * @param padding              {@code sse.padding}: start with a 2 KiB comment for proxies that buffer
 */
public record SseOptions(Duration pingInterval, Duration retryTimeout, long maxQueuedBytes, int maxChannelsPerStream,
                         int maxStreams, boolean padding) {
  public static final SseOptions DEFAULTS =
      new SseOptions(Duration.ofSeconds(15), Duration.ofSeconds(2), 1024 * 1024, 32, 50_000, false);

  public SseOptions {
    if (pingInterval == null || pingInterval.toMillis() < 10) {
      throw new IllegalArgumentException("sse.pingInterval must be at least 10ms");
    }
    if (retryTimeout == null || retryTimeout.isNegative()) {
      throw new IllegalArgumentException("sse.retryTimeout must not be negative");
    }
    if (maxQueuedBytes < 1024) {
      throw new IllegalArgumentException("sse.maxQueuedBytes must be at least 1KiB");
    }
    if (maxChannelsPerStream < 1) {
      throw new IllegalArgumentException("sse.maxChannelsPerStream must be at least 1");
    }
    if (maxStreams < 1) {
      throw new IllegalArgumentException("sse.maxStreams must be at least 1");
    }
  }
}
