package dev.herald.replay.api;

/**
 * Failure codes of the replay verticle's replies ({@code ReplyException.failureCode()}). They are
 * HTTP status numbers on purpose, so the gateway answers with the same status.
 */
public final class HistoryFailure {
  /** The message is malformed: bad channel or event name, data not JSON, bad cursor, limit out of range. */
  public static final int BAD_REQUEST = 400;
  /** The idempotency key was used for a different event on this channel. */
  public static final int CONFLICT = 409;
  /** The store cannot be reached, or a bound (channels) is reached. */
  public static final int UNAVAILABLE = 503;

  private HistoryFailure() {
  }
}
