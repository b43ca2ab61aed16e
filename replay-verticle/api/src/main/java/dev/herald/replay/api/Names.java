package dev.herald.replay.api;

/**
 * Channel and event names (docs/http-api.md): a channel is 1–128 characters of {@code A–Z a–z 0–9 _ - . : @},
 * an event name 1–64 of the same. Names beginning with {@code herald.} are reserved for Herald's own
 * events and channels (the canary channel of the readiness check, {@code herald.gap}).
 */
public final class Names {
  public static final int MAX_CHANNEL = 128;
  public static final int MAX_EVENT = 64;
  public static final String RESERVED_PREFIX = "herald.";

  private Names() {
  }

  public static boolean isValidChannel(String s) {
    return isValid(s, MAX_CHANNEL);
  }

  public static boolean isValidEvent(String s) {
    return isValid(s, MAX_EVENT);
  }

  public static boolean isReserved(String s) {
    return s != null && s.startsWith(RESERVED_PREFIX);
  }

  /** Why {@code s} is not a valid channel name, or {@code null} when it is one. */
  public static String channelProblem(String s) {
    return problem("channel", s, MAX_CHANNEL);
  }

  /** Why {@code s} is not a valid event name, or {@code null} when it is one. */
  public static String eventProblem(String s) {
    return problem("event name", s, MAX_EVENT);
  }

  private static String problem(String what, String s, int max) {
    if (s == null || s.isEmpty()) {
      return "the " + what + " is empty";
    }
    if (s.length() > max) {
      return "the " + what + " is longer than " + max + " characters";
    }
    if (!isValid(s, max)) {
      return "the " + what + " may only contain A-Z a-z 0-9 _ - . : @";
    }
    return null;
  }

  private static boolean isValid(String s, int max) {
    if (s == null || s.isEmpty() || s.length() > max) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '-' || c == '.' || c == ':' || c == '@';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
