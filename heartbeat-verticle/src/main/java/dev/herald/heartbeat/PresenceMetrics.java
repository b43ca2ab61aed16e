package dev.herald.heartbeat;

import dev.herald.heartbeat.api.PresenceEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Presence meters: counters {@code herald.presence.connects}, {@code .reconnects}, {@code .beats}
 * (one per session beaten), {@code .disconnects} (tag {@code reason}: {@code timeout} or {@code stop}),
 * and the gauge {@code herald.presence.sessions} (connected sessions as last counted by the store).
 */
final class PresenceMetrics {
  private final MeterRegistry registry;
  private final Counter connects;
  private final Counter reconnects;
  private final Counter beats;
  private final Counter timeouts;
  private final Counter stops;
  private final AtomicLong sessions = new AtomicLong();
  private final Gauge sessionsGauge;

  PresenceMetrics(MeterRegistry registry) {
    this.registry = registry;
    connects = Counter.builder("herald.presence.connects").description("Sessions connected").register(registry);
    reconnects = Counter.builder("herald.presence.reconnects").description("Starts of connected sessions")
        .register(registry);
    beats = Counter.builder("herald.presence.beats").description("Session beats").register(registry);
    timeouts = disconnects(registry, PresenceEvent.REASON_TIMEOUT);
    stops = disconnects(registry, PresenceEvent.REASON_STOP);
    sessionsGauge = Gauge.builder("herald.presence.sessions", sessions, AtomicLong::get)
        .description("Connected sessions (as counted by the presence store)").strongReference(true)
        .register(registry);
  }

  private static Counter disconnects(MeterRegistry registry, String reason) {
    return Counter.builder("herald.presence.disconnects").description("Sessions disconnected")
        .tag("reason", reason).register(registry);
  }

  void connected(boolean reconnect) {
    (reconnect ? reconnects : connects).increment();
  }

  void beats(int n) {
    beats.increment(n);
  }

  void disconnected(String reason) {
    (PresenceEvent.REASON_STOP.equals(reason) ? stops : timeouts).increment();
  }

  void sessions(long n) {
    sessions.set(n);
  }

  /** Removes the gauge, which reads this instance's value; the counters stay (they are cumulative). */
  void close() {
    registry.remove(sessionsGauge);
  }
}
