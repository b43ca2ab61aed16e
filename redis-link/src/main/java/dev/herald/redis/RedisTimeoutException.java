package dev.herald.redis;

import java.util.concurrent.TimeoutException;

/**
 * Redis did not answer a store call within its timeout (Redis hung, overloaded or unreachable). The call
 * failed fast instead of waiting; the verticles answer it with 503 like any store failure. A request
 * already written may still run when Redis wakes up (see each store on what that means).
 */
public final class RedisTimeoutException extends TimeoutException {
  private static final long serialVersionUID = 1L;

  public RedisTimeoutException(String operation, long timeoutMs) {
    super("Redis did not answer " + operation + " within " + timeoutMs + " ms");
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // an expected event: the message says it all
  }
}
