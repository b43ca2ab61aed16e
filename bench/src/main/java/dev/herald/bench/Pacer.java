package dev.herald.bench;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread that wakes paced lanes when their next request is due. It sleeps until the earliest
 * due time (at least {@link #MIN_SLEEP_NANOS}), so a lane at 10 requests per second costs ten
 * wake-ups a second; far cheaper here than a 1 ms periodic task on every event loop, which costs
 * about 0.1 ms of CPU per tick on this kind of machine.
 */
final class Pacer {
  private static final long MIN_SLEEP_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
  private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final CopyOnWriteArrayList<Lane> lanes = new CopyOnWriteArrayList<>();
  private Thread thread;

  synchronized void add(Lane lane) {
    lanes.addIfAbsent(lane);
    if (thread == null) {
      thread = new Thread(this::run, "bench-pacer");
      thread.setDaemon(true);
      thread.start();
    }
    LockSupport.unpark(thread);
  }

  void remove(Lane lane) {
    lanes.remove(lane);
  }

  private void run() {
    while (true) {
      long now = System.nanoTime();
      long wake = now + MAX_SLEEP_NANOS;
      for (Lane l : lanes) {
        long due = l.nextDueNanos();
        if (due - now <= 0) {
          l.kick();
        } else if (due - wake < 0) {
          wake = due;
        }
      }
      LockSupport.parkNanos(Math.max(MIN_SLEEP_NANOS, wake - now));
    }
  }
}
