package dev.herald.heartbeat.api;

import java.time.Duration;

/**
 * Presence settings (README.md#configuration), named as the seed's heartbeat responder options.
 *
 * @param purgeDelay  {@code heartbeat.purgeDelay}: how often expired sessions are purged
 * @param beatDelay   {@code heartbeat.beatDelay}: how often clients are told to beat
 * @param expireDelay {@code heartbeat.expireDelay}: silence after which a session expires; above beatDelay
 * @param maxSessions {@code heartbeat.maxSessions}: sessions held at most; starts past it answer 503
 * @param logging     {@code logging}: 0 none, 1 connect/reconnect/disconnect, 2 also every beat
 */
public record PresenceOptions(Duration purgeDelay, Duration beatDelay, Duration expireDelay, int maxSessions,
                              int logging) {
  public static final int MAX_META_BYTES = 4096;
  public static final PresenceOptions DEFAULTS =
      new PresenceOptions(Duration.ofSeconds(25), Duration.ofSeconds(30), Duration.ofSeconds(40), 100_000, 0);

  public PresenceOptions {
    if (purgeDelay == null || purgeDelay.toMillis() < 1) {
      throw new IllegalArgumentException("heartbeat.purgeDelay must be positive");
    }
    if (beatDelay == null || beatDelay.toMillis() < 1) {
      throw new IllegalArgumentException("heartbeat.beatDelay must be positive");
    }
    if (expireDelay == null || expireDelay.compareTo(beatDelay) <= 0) {
      throw new IllegalArgumentException("heartbeat.expireDelay (" + expireDelay
          + ") must exceed heartbeat.beatDelay (" + beatDelay + ")");
    }
    if (maxSessions < 1) {
      throw new IllegalArgumentException("heartbeat.maxSessions must be at least 1");
    }
    if (logging < 0 || logging > 2) {
      throw new IllegalArgumentException("logging must be 0, 1 or 2");
    }
  }
}
