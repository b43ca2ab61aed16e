package dev.herald.heartbeat;

/**
 * A {@link PresenceStore} refused to connect a new session because {@code heartbeat.maxSessions}
 * sessions are connected. Nothing was changed; {@link HeartbeatVerticle} answers it with
 * {@link dev.herald.heartbeat.api.PresenceFailure#UNAVAILABLE} (503). Every store implementation
 * fails {@link PresenceStore#start} with this type when it is full.
 */
public final class SessionLimitException extends RuntimeException {
  private final int maxSessions;

  public SessionLimitException(int maxSessions) {
    super("too many sessions: heartbeat.maxSessions (" + maxSessions + ") are connected", null, false, false);
    this.maxSessions = maxSessions;
  }

  /** The bound that was reached. */
  public int maxSessions() {
    return maxSessions;
  }
}
