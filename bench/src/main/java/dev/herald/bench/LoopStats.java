package dev.herald.bench;

import io.netty.channel.EventLoop;

/**
 * Counters and the latency histogram of one event loop, written only by that loop. The few fields
 * the main thread polls while a run goes on are volatile (one writer, so {@code ++} is safe); the
 * rest is read after {@link Net#barrier()}.
 */
final class LoopStats {
  private final EventLoop loop;
  /** Scratch space for copying received bytes out of Netty buffers. */
  final byte[] scratch = new byte[64 * 1024];
  /** Scratch for one decoded payload token. */
  final long[] token = new long[3];
  LogHistogram latency = new LogHistogram();
  volatile long delivered;
  volatile long distinct;
  volatile long lastDeliveryNanos;
  volatile long caughtUp;

  LoopStats(EventLoop loop) {
    this.loop = loop;
  }

  EventLoop loop() {
    return loop;
  }

  void resetLatency() {
    latency = new LogHistogram();
  }

  void reset() {
    latency = new LogHistogram();
    delivered = 0;
    distinct = 0;
    caughtUp = 0;
  }
}
