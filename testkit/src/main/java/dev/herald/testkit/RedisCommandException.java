package dev.herald.testkit;

import java.io.IOException;

/** Redis answered a control command with an error reply ({@code -ERR ...}). */
public final class RedisCommandException extends IOException {
  private static final long serialVersionUID = 1L;

  RedisCommandException(String message) {
    super(message);
  }
}
