package dev.herald.bench;

/**
 * Microseconds since the Unix epoch, read from {@link System#nanoTime()} anchored once to the wall
 * clock: monotonic within a process and comparable (to about a millisecond) between load-tool
 * processes on the same machine, so a publish time written into a payload by one process can be
 * subtracted from a receive time taken by another.
 */
final class Clock {
  private static final long WALL_MICROS = System.currentTimeMillis() * 1000L;
  private static final long NANOS_AT_WALL = System.nanoTime();

  private Clock() {
  }

  /** Now, in microseconds since the epoch. */
  static long micros() {
    return micros(System.nanoTime());
  }

  /** The time {@code nanoTime} (a {@link System#nanoTime()} reading), in microseconds since the epoch. */
  static long micros(long nanoTime) {
    return WALL_MICROS + (nanoTime - NANOS_AT_WALL) / 1000L;
  }
}
