package dev.herald.heartbeat;

/**
 * A request the heartbeat verticle answers with a failure code of
 * {@link dev.herald.heartbeat.api.PresenceFailure} (400, 404, 413) and a message that names the problem.
 */
final class RequestFailure extends RuntimeException {
  private final int code;

  RequestFailure(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  int code() {
    return code;
  }
}
