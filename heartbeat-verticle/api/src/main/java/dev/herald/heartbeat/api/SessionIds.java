package dev.herald.heartbeat.api;

import java.security.SecureRandom;

/**
 * Session ids (docs/http-api.md): a new id is 128 random bits from {@link SecureRandom} as 32 lowercase hex
 * characters; an id given by a client is 1–128 characters of {@code A–Z a–z 0–9 _ - . : @}, so it
 * is safe as a cookie value, a Redis key part and an SSE field.
 */
public final class SessionIds {
  /** Longest accepted session id. */
  public static final int MAX_LENGTH = 128;
  /** What a valid id is, for messages. */
  public static final String RULE = "1-" + MAX_LENGTH + " characters of A-Z a-z 0-9 _ - . : @";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private SessionIds() {
  }

  /** A new session id: 128 random bits, 32 lowercase hex characters. */
  public static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    char[] out = new char[32];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }

  /** True when {@code id} is 1–128 characters of {@code A–Z a–z 0–9 _ - . : @}. */
  public static boolean isValid(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '-' || c == '.' || c == ':' || c == '@';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
