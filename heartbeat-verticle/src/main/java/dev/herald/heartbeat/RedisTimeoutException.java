package dev.herald.heartbeat;

/**
 * Redis did not answer a store call within its timeout (Redis hung, overloaded or unreachable). The call
 * failed fast instead of waiting; {@link HeartbeatVerticle} answers it with 503 like any store failure.
 * What Redis does if the request still arrives later is described on {@link RedisPresenceStore}.
 */
public final class RedisTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RedisTimeoutException(String operation, long timeoutMs) {
    super("Redis did not answer " + operation + " within " + timeoutMs + " ms", null, false, false);
  }
}
