package dev.herald.heartbeat.api;

/**
 * Failure codes of the heartbeat verticle's replies ({@code ReplyException.failureCode()}); HTTP
 * status numbers on purpose, so the gateway answers with the same status.
 */
public final class PresenceFailure {
  /** The message is malformed (missing or bad session id, meta not an object, bad limit or cursor). */
  public static final int BAD_REQUEST = 400;
  /** The session is not connected (expired, stopped, or never started). */
  public static final int NOT_FOUND = 404;
  /** Meta larger than 4 KiB. */
  public static final int TOO_LARGE = 413;
  /** The start's client holds its bound of sessions ({@code maxPerClient}) already. */
  public static final int TOO_MANY = 429;
  /** The store cannot be reached, or {@code heartbeat.maxSessions} is reached. */
  public static final int UNAVAILABLE = 503;

  private PresenceFailure() {
  }
}
