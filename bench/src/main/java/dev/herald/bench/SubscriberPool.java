package dev.herald.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * N subscribers spread round-robin over the targets and the event loops, connected with a bounded
 * number of connects in progress, and what they received, summed.
 */
final class SubscriberPool {
  private final Net net;
  private final List<Subscriber> subs = new ArrayList<>();
  private final long headerTimeoutNanos;
  private final long reconnectDelayMillis;
  private final AtomicInteger settledCount = new AtomicInteger();
  private final AtomicInteger okCount = new AtomicInteger();
  private final LongAdder dropCount = new LongAdder();
  private final Map<String, Integer> failures = new TreeMap<>();
  private final LogHistogram connectMicros = new LogHistogram();
  private volatile boolean running = true;
  private Semaphore permits;

  /**
   * Creates the subscribers: subscriber i follows channels i, i+1, ... (mod {@code channels}) and
   * connects to target i mod targets on loop i mod loops.
   */
  SubscriberPool(Net net, List<Target> targets, int count, int channels, int channelsPerSub, String[] names,
      String pathTemplate, String channelSep, long headerTimeoutNanos, long reconnectDelayMillis) {
    this.net = net;
    this.headerTimeoutNanos = headerTimeoutNanos;
    this.reconnectDelayMillis = reconnectDelayMillis;
    for (int i = 0; i < count; i++) {
      int[] chs = new int[channelsPerSub];
      StringBuilder joined = new StringBuilder();
      for (int k = 0; k < channelsPerSub; k++) {
        chs[k] = (i + k) % channels;
        if (k > 0) {
          joined.append(channelSep);
        }
        joined.append(names[chs[k]]);
      }
      String path = pathTemplate.replace("{chs}", joined).replace("{ch}", names[chs[0]]);
      subs.add(new Subscriber(this, net.loop(i), targets.get(i % targets.size()), path, chs));
    }
  }

  /** What a (re)connect round gave. */
  record Round(int attempted, int connected, int failed, long wallNanos, LogHistogram connectMicros) {
  }

  /**
   * Connects every subscriber (again), at most {@code concurrency} at a time (0: all at once), and
   * waits until each has its response headers or failed, or {@code timeoutNanos} passed.
   */
  Round connectAll(int concurrency, long timeoutNanos) throws InterruptedException {
    int n = subs.size();
    settledCount.set(0);
    okCount.set(0);
    synchronized (this) {
      connectMicros.reset();
    }
    permits = new Semaphore(concurrency <= 0 ? n : concurrency);
    long start = System.nanoTime();
    long deadline = start + timeoutNanos;
    for (Subscriber s : subs) {
      if (!permits.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        break;
      }
      s.connect();
    }
    while (settledCount.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    long wall = System.nanoTime() - start;
    LogHistogram h = new LogHistogram();
    synchronized (this) {
      h.add(connectMicros);
    }
    int ok = okCount.get();
    return new Round(n, ok, n - ok, wall, h);
  }

  /** Called on a loop when a connect attempt ends; {@code managed}: part of {@link #connectAll}. */
  void settled(Subscriber s, boolean managed, boolean ok, String why, long nanos) {
    if (!ok) {
      synchronized (this) {
        failures.merge(why.length() > 120 ? why.substring(0, 120) : why, 1, Integer::sum);
      }
    }
    if (!managed) {
      return;
    }
    if (ok) {
      okCount.incrementAndGet();
      synchronized (this) {
        connectMicros.record(nanos / 1000);
      }
    }
    settledCount.incrementAndGet();
    permits.release();
  }

  /** Closes every stream on purpose (RST when {@code reset}) and waits until all are closed. */
  void closeAll(boolean reset, long timeoutNanos) throws InterruptedException {
    for (Subscriber s : subs) {
      s.close(reset);
    }
    long deadline = System.nanoTime() + timeoutNanos;
    while (System.nanoTime() < deadline) {
      boolean open = false;
      for (Subscriber s : subs) {
        Subscriber.State st = s.state();
        if (st == Subscriber.State.OPEN || st == Subscriber.State.CONNECTING) {
          open = true;
          break;
        }
      }
      if (!open) {
        return;
      }
      Thread.sleep(5);
    }
  }

  /** Stops reconnecting dropped subscribers. */
  void stop() {
    running = false;
  }

  /** Subscribers whose stream is open now. */
  int open() {
    int n = 0;
    for (Subscriber s : subs) {
      if (s.state() == Subscriber.State.OPEN) {
        n++;
      }
    }
    return n;
  }

  void dropped() {
    dropCount.increment();
  }

  List<Subscriber> subscribers() {
    return subs;
  }

  synchronized Map<String, Integer> failures() {
    return new TreeMap<>(failures);
  }

  long drops() {
    return dropCount.sum();
  }

  Net net() {
    return net;
  }

  boolean running() {
    return running;
  }

  long headerTimeoutNanos() {
    return headerTimeoutNanos;
  }

  long reconnectDelayMillis() {
    return reconnectDelayMillis;
  }
}
