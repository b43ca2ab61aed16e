package dev.herald.sse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sse verticle's meters: open streams (which also enforces {@code sse.maxStreams}), deliveries
 * (events written to streams), deliveries written in batches (see {@link LoopStreams}), evictions (G5),
 * events the node fan-out received in order, and events streams caught up from the history because the
 * bus had not brought them (see {@link ChannelStream}).
 */
final class SseMetrics {
  private final AtomicInteger open = new AtomicInteger();
  private final Counter deliveries;
  private final Counter evictions;
  private final Counter fanoutEvents;
  private final Counter caughtUp;
  private final Counter batched;

  SseMetrics(MeterRegistry registry) {
    Gauge.builder("herald.sse.streams", open, AtomicInteger::get).description("SSE streams open on this node")
        .register(registry);
    deliveries = Counter.builder("herald.sse.deliveries").description("Events written to SSE streams")
        .register(registry);
    evictions = Counter.builder("herald.sse.evictions")
        .description("Streams closed because the client fell more than sse.maxQueuedBytes behind").register(registry);
    fanoutEvents = Counter.builder("herald.sse.fanout.events")
        .description("Channel events the node fan-out received and dispatched, each once").register(registry);
    caughtUp = Counter.builder("herald.sse.catchup.events")
        .description("Events written from the history after a stream joined a channel newly consumed here, "
            + "because the cluster had not routed them to this node yet").register(registry);
    batched = Counter.builder("herald.sse.batched.deliveries")
        .description("Deliveries written together with later events of the same stream in one write, because "
            + "events piled up while the loop was busy (a node that is behind)").register(registry);
  }

  /** Takes a stream slot unless {@code max} streams are open. */
  boolean tryOpen(int max) {
    for (;;) {
      int n = open.get();
      if (n >= max) {
        return false;
      }
      if (open.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void released() {
    open.decrementAndGet();
  }

  int openStreams() {
    return open.get();
  }

  void delivered(int n) {
    if (n > 0) {
      deliveries.increment(n);
    }
  }

  void batched(int n) {
    if (n > 0) {
      batched.increment(n);
    }
  }

  void evicted() {
    evictions.increment();
  }

  void fanoutEvent() {
    fanoutEvents.increment();
  }

  void caughtUp(int n) {
    caughtUp.increment(n);
  }
}
