package dev.herald.bench;

/** Option range checks with messages naming the option. */
final class Checks {
  private Checks() {
  }

  static void positive(String key, long v) {
    range(key, v, 1, Long.MAX_VALUE);
  }

  static void range(String key, long v, long min, long max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException("--" + key + " must be " + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE
          ? "at least " + min : "between " + min + " and " + max) + ", not " + v);
    }
  }
}
