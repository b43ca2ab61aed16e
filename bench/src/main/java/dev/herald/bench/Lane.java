package dev.herald.bench;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection's share of a request load: it sends what its {@link Work} gives, at most
 * {@code depth} requests in flight, either paced to {@code rate} per second (checked every
 * millisecond and after each response, so it catches up after a stall) or as fast as the depth
 * allows ({@code rate} 0), until the duration ends or the work runs out. Confined to its loop.
 */
final class Lane implements HttpConn.Client {
  /** What a lane sends and what it does with the answers. */
  interface Work {
    /** Writes the next request on {@code conn}; false when there is nothing more to send. */
    boolean send(HttpConn conn);

    /** The answer to the oldest request in flight ({@code status} -1: the connection died). */
    void answered(HttpConn conn, int status, long latencyNanos);
  }

  private final HttpConn conn;
  private final Work work;
  private final int depth;
  private double rate;
  private long start;
  private long end;
  private long issued;
  private Pacer pacer;
  private volatile long nextDueNanos = Long.MAX_VALUE;
  private final AtomicBoolean kickPending = new AtomicBoolean();
  private final Runnable kickTask = () -> {
    kickPending.set(false);
    pump();
  };
  private volatile boolean stopped = true;
  private volatile boolean done;
  private volatile boolean connectionLost;

  Lane(LoopStats loop, Target target, Work work, int depth, String cookieName) {
    this.conn = new HttpConn(loop, target, this, cookieName);
    this.work = work;
    this.depth = depth;
  }

  /** A lane that takes over {@code other}'s connection when it begins (once {@code other} is done). */
  Lane(Lane other, Work work, int depth) {
    this.conn = other.conn;
    this.work = work;
    this.depth = depth;
  }

  HttpConn conn() {
    return conn;
  }

  /**
   * Starts sending (any thread); {@code durationNanos} {@code Long.MAX_VALUE}: until the work runs
   * out. A paced lane ({@code rate} > 0) is woken by {@code pacer} when its next request is due.
   */
  void begin(double rate, long durationNanos, Pacer pacer) {
    begin(rate, durationNanos, pacer, 0);
  }

  /**
   * The same, with a paced lane's first request {@code phaseNanos} late (and its end as late), so lanes
   * of one publisher spread their requests over each interval instead of all sending at its start.
   */
  void begin(double rate, long durationNanos, Pacer pacer, long phaseNanos) {
    done = false; // at once, so a caller waiting for done() never sees the previous phase's
    conn.loop().loop().execute(() -> {
      conn.client(this);
      this.rate = rate;
      start = System.nanoTime() + (rate > 0 ? phaseNanos : 0);
      end = durationNanos == Long.MAX_VALUE ? Long.MAX_VALUE : start + durationNanos;
      issued = 0;
      stopped = false;
      done = false;
      this.pacer = rate > 0 ? pacer : null;
      pump();
      if (this.pacer != null && !stopped) {
        this.pacer.add(this);
      }
    });
  }

  /** Stops sending new requests (any thread); what is in flight still gets its answer. */
  void halt() {
    conn.loop().loop().execute(this::finish);
  }

  /** True once the lane stopped sending and every request it sent was answered. */
  boolean done() {
    return done;
  }

  /** Waits until every lane is {@link #done()}; false on timeout. */
  static boolean awaitAll(List<Lane> lanes, long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (Lane l : lanes) {
        all &= l.done();
      }
      if (all) {
        return true;
      }
      Thread.sleep(2);
    }
    return false;
  }

  boolean stopped() {
    return stopped;
  }

  /** True when the lane stopped early because its connection closed. */
  boolean connectionLost() {
    return connectionLost;
  }

  /** When this paced lane next has something to do (System.nanoTime), for the {@link Pacer}. */
  long nextDueNanos() {
    return nextDueNanos;
  }

  /** Makes the lane's loop pump it soon (the Pacer's thread); at most one pump is queued at a time. */
  void kick() {
    if (kickPending.compareAndSet(false, true)) {
      conn.loop().loop().execute(kickTask);
    }
  }

  private void pump() {
    if (stopped) {
      return;
    }
    long now = System.nanoTime();
    if (end != Long.MAX_VALUE && now - end >= 0) {
      finish();
      return;
    }
    if (!conn.isOpen()) {
      connectionLost = true;
      finish();
      return;
    }
    long target = rate <= 0 ? Long.MAX_VALUE : now - start < 0 ? 0 : (long) (rate * (now - start) / 1e9) + 1;
    while (issued < target && conn.inFlight() < depth) {
      if (!work.send(conn)) {
        finish();
        break;
      }
      issued++;
    }
    conn.flush();
    if (rate > 0 && !stopped) {
      // behind (all in flight): an answer pumps again; else when the next request falls due
      long due = issued < target ? now + 1_000_000L : start + (long) Math.ceil(issued * 1e9 / rate);
      nextDueNanos = end == Long.MAX_VALUE || due - end < 0 ? due : end;
    }
  }

  private void finish() {
    nextDueNanos = Long.MAX_VALUE;
    if (pacer != null) {
      pacer.remove(this);
    }
    stopped = true;
    if (conn.inFlight() == 0) {
      done = true;
    }
  }

  @Override
  public void onResponse(HttpConn c, int status, long latencyNanos) {
    if (status < 0 && !stopped) {
      connectionLost = true;
    }
    work.answered(c, status, latencyNanos);
    if (!stopped) {
      pump();
    } else if (c.inFlight() == 0) {
      done = true;
    }
  }
}
