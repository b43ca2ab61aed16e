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
 * @param leaveGrace  {@code heartbeat.leaveGrace}: how long a stop of a page that goes away ({@code leaving})
 *                    waits for a start or beat of the session before its disconnect
 */
public record PresenceOptions(Duration purgeDelay, Duration beatDelay, Duration expireDelay, int maxSessions,
                              int logging, Duration leaveGrace) {
  public static final int MAX_META_BYTES = 4096;
  /** The default {@code heartbeat.leaveGrace}. */
  public static final Duration LEAVE_GRACE = Duration.ofSeconds(3);
  public static final PresenceOptions DEFAULTS =
      new PresenceOptions(Duration.ofSeconds(25), Duration.ofSeconds(30), Duration.ofSeconds(40), 100_000, 0);

  /** Options with the default {@code heartbeat.leaveGrace}. */
  public PresenceOptions(Duration purgeDelay, Duration beatDelay, Duration expireDelay, int maxSessions, int logging) {
    this(purgeDelay, beatDelay, expireDelay, maxSessions, logging, LEAVE_GRACE);
  }

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
    if (leaveGrace == null || leaveGrace.isNegative()) {
      throw new IllegalArgumentException("heartbeat.leaveGrace must not be negative");
    }
  }
}
