package dev.herald.replay.api;

import java.time.Duration;

/**
 * History limits (README.md#configuration).
 *
 * @param maxEvents      {@code history.maxEvents}: events kept per channel, exactly the newest N
 * @param maxAge         {@code history.maxAge}: events older than this are gone
 * @param idleChannelTtl {@code history.idleChannelTtl}: a channel without publishes this long is removed
 * @param maxChannels    {@code history.maxChannels}: channels one memory store holds at most
 */
public record HistoryOptions(int maxEvents, Duration maxAge, Duration idleChannelTtl, int maxChannels) {
  public static final HistoryOptions DEFAULTS =
      new HistoryOptions(1000, Duration.ofHours(1), Duration.ofHours(24), 100_000);

  public HistoryOptions {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("history.maxEvents must be at least 1");
    }
    if (maxAge == null || maxAge.toMillis() < 1) {
      throw new IllegalArgumentException("history.maxAge must be positive");
    }
    if (idleChannelTtl == null || idleChannelTtl.toMillis() < 1) {
      throw new IllegalArgumentException("history.idleChannelTtl must be positive");
    }
    if (maxChannels < 1) {
      throw new IllegalArgumentException("history.maxChannels must be at least 1");
    }
  }
}
