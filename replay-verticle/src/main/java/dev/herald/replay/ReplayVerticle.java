package dev.herald.replay;

import dev.herald.bus.BusRequests;
import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.HeadsReply;
import dev.herald.replay.api.HeadsRequest;
import dev.herald.replay.api.HistoryAddresses;
import dev.herald.replay.api.HistoryFailure;
import dev.herald.replay.api.HistoryOptions;
import dev.herald.replay.api.HistoryRequest;
import dev.herald.replay.api.HistoryStats;
import dev.herald.replay.api.PublishMessage;
import dev.herald.replay.api.PublishReply;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.PublishResult;
import dev.herald.replay.api.StatsRequest;
import dev.herald.replay.api.StoredEvent;
import dev.herald.replay.api.StoredEventCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history service of one node: serves {@code <prefix>.publish} (validate, append to the
 * {@link HistoryStore}, then event-bus publish each stored event on {@code <prefix>.channel.<name>}
 * in sequence order, then reply), {@code <prefix>.history} (reads after a cursor),
 * {@code <prefix>.history.heads} (where channels stand) and {@code <prefix>.history.stats} (this
 * node's busiest channels), and runs the store's housekeeping. A publish that could not be stored
 * before its deadline ({@link BusRequests}) is refused unstored. Failures reply with the
 * {@link HistoryFailure} codes.
 */
public final class ReplayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayVerticle.class);
  static final int TRACKED_CHANNELS = 10_000;
  static final long WARN_INTERVAL_MS = 10_000;

  private final HistoryStore store;
  private final HistoryOptions options;
  private final HistoryAddresses addresses;
  private final MeterRegistry metrics;
  private final AtomicLong channelGauge = new AtomicLong();
  private final AtomicLong nextWarnAt = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();
  private final ChannelRates rates = new ChannelRates(TRACKED_CHANNELS, System::currentTimeMillis);
  private Counter published;
  private Counter late;
  private long timer = -1;
  private boolean expiring;

  public ReplayVerticle(HistoryStore store, HistoryOptions options, HistoryAddresses addresses, MeterRegistry metrics) {
    this.store = Objects.requireNonNull(store, "store");
    this.options = Objects.requireNonNull(options, "options");
    this.addresses = Objects.requireNonNull(addresses, "addresses");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** How often housekeeping runs: a quarter of the shorter of maxAge and idleChannelTtl, within 50 ms..60 s. */
  static long housekeepingPeriodMs(HistoryOptions o) {
    long shorter = Math.min(o.maxAge().toMillis(), o.idleChannelTtl().toMillis());
    return Math.max(50, Math.min(60_000, shorter / 4));
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    StoredEventCodec.register(bus);
    published = Counter.builder("herald.events.published").description("Events stored and fanned out by this node")
        .register(metrics);
    Gauge.builder("herald.history.channels", channelGauge, AtomicLong::get)
        .description("Channels held by the history store").strongReference(true).register(metrics);
    Future<Void> publish = bus.<Object>consumer(addresses.publish(), this::onPublish).completion();
    Future<Void> history = bus.<Object>consumer(addresses.history(), this::onHistory).completion();
    late = Counter.builder("herald.requests.late").tag("service", "history")
        .description("Requests refused because they could not be carried out before their deadline").register(metrics);
    Future<Void> stats = bus.<Object>consumer(addresses.stats(), this::onStats).completion();
    Future<Void> heads = bus.<Object>consumer(addresses.heads(), this::onHeads).completion();
    long period = housekeepingPeriodMs(options);
    timer = vertx.setPeriodic(period, id -> housekeeping());
    refreshChannelCount();
    return Future.all(publish, history, stats, heads).onSuccess(x -> LOG.info(
        "history serving {} (maxEvents {}, maxAge {}, idleChannelTtl {}, housekeeping every {} ms)",
        addresses.publish(), options.maxEvents(), options.maxAge(), options.idleChannelTtl(), period));
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return Future.succeededFuture();
  }

  private void onPublish(Message<Object> m) {
    String tooLate = BusRequests.tooLate(m, store.timeoutMs());
    if (tooLate != null) {
      late.increment();
      storeFailed("history publish", new IllegalStateException("refused unstored: " + tooLate));
      m.fail(HistoryFailure.UNAVAILABLE, "not stored: " + tooLate);
      return;
    }
    PublishMessage p;
    try {
      p = PublishMessage.fromJson(m.body(), JsonText::compact);
    } catch (ReplyException e) {
      m.fail(e.failureCode(), e.getMessage());
      return;
    }
    List<PublishRequest> requests = p.events();
    Future<List<HistoryStore.Appended>> appended =
        p.batch() ? store.appendAll(requests) : store.append(requests.get(0)).map(List::of);
    appended.onComplete(ar -> {
      if (ar.failed()) {
        storeFailed("history publish to " + requests.get(0).channel(), ar.cause());
        m.fail(HistoryFailure.UNAVAILABLE, unavailable(ar.cause()));
      } else {
        answer(m, p, ar.result());
      }
    });
  }

  /** Fans out what was stored, in order, then replies; or fails the whole message on a conflict. */
  private void answer(Message<Object> m, PublishMessage p, List<HistoryStore.Appended> outcomes) {
    List<PublishRequest> requests = p.events();
    if (outcomes.size() != requests.size()) {
      m.fail(HistoryFailure.UNAVAILABLE, "the history store answered " + outcomes.size() + " results for "
          + requests.size() + " events");
      return;
    }
    for (int i = 0; i < outcomes.size(); i++) {
      if (outcomes.get(i).outcome() == HistoryStore.Outcome.CONFLICT) {
        PublishRequest r = requests.get(i);
        m.fail(HistoryFailure.CONFLICT, (p.batch() ? "events[" + i + "]: " : "") + "idempotency key "
            + r.idempotencyKey() + " was used for another event on channel " + r.channel());
        return;
      }
    }
    for (HistoryStore.Appended a : outcomes) {
      if (a.event() == null) { // SKIPPED without a CONFLICT: a store that broke its contract
        m.fail(HistoryFailure.UNAVAILABLE, "the history store answered " + a.outcome() + " without a conflict");
        return;
      }
    }
    EventBus bus = vertx.eventBus();
    List<PublishResult> results = new ArrayList<>(outcomes.size());
    int stored = 0;
    boolean newChannel = false;
    for (HistoryStore.Appended a : outcomes) {
      StoredEvent e = a.event();
      boolean duplicate = a.outcome() == HistoryStore.Outcome.DUPLICATE;
      if (!duplicate) {
        bus.publish(addresses.channel(e.channel()), e);
        rates.record(e.channel(), 1);
        stored++;
        newChannel |= e.seq() == 1;
      }
      results.add(PublishResult.of(e, duplicate));
    }
    published.increment(stored);
    if (newChannel) {
      refreshChannelCount();
    }
    m.reply(new PublishReply(results, p.batch()).toJson());
  }

  private void onHeads(Message<Object> m) {
    HeadsRequest r;
    try {
      r = HeadsRequest.fromJson(m.body());
    } catch (ReplyException e) {
      m.fail(e.failureCode(), e.getMessage());
      return;
    }
    store.heads(r.channels()).onComplete(ar -> {
      if (ar.failed()) {
        storeFailed("heads read of " + r.channels().size() + " channels", ar.cause());
        m.fail(HistoryFailure.UNAVAILABLE, unavailable(ar.cause()));
      } else {
        m.reply(new HeadsReply(ar.result()).toJson());
      }
    });
  }

  private void onHistory(Message<Object> m) {
    HistoryRequest r;
    Cursor.Position after;
    try {
      r = HistoryRequest.fromJson(m.body());
      after = r.position();
    } catch (ReplyException e) {
      m.fail(e.failureCode(), e.getMessage());
      return;
    }
    store.read(r.channel(), after, r.limit()).onComplete(ar -> {
      if (ar.failed()) {
        storeFailed("history read of " + r.channel(), ar.cause());
        m.fail(HistoryFailure.UNAVAILABLE, unavailable(ar.cause()));
      } else {
        m.reply(ar.result().toJson(r.raw()));
      }
    });
  }

  private void onStats(Message<Object> m) {
    StatsRequest r;
    try {
      r = StatsRequest.fromJson(m.body());
    } catch (ReplyException e) {
      m.fail(e.failureCode(), e.getMessage());
      return;
    }
    store.channelCount().onComplete(ar -> {
      if (ar.failed()) {
        storeFailed("history stats", ar.cause());
        m.fail(HistoryFailure.UNAVAILABLE, unavailable(ar.cause()));
        return;
      }
      channelGauge.set(ar.result());
      m.reply(new HistoryStats(ar.result(), rates.published(), rates.ratePerSec(), rates.top(r.limit())).toJson());
    });
  }

  /** Logs a store failure, at most one line per {@value #WARN_INTERVAL_MS} ms with a count of the others. */
  private void storeFailed(String what, Throwable cause) {
    long now = System.currentTimeMillis();
    long at = nextWarnAt.get();
    if (now >= at && nextWarnAt.compareAndSet(at, now + WARN_INTERVAL_MS)) {
      long others = suppressed.getAndSet(0);
      LOG.warn("{} failed: {}{}", what, String.valueOf(cause.getMessage()),
          others > 0 ? " (" + others + " more store failures since the last line)" : "");
    } else {
      suppressed.incrementAndGet();
    }
  }

  private static String unavailable(Throwable cause) {
    String msg = cause.getMessage();
    return "the history store is unavailable: " + (msg == null ? cause.getClass().getSimpleName() : msg);
  }

  private void housekeeping() {
    if (expiring) {
      return;
    }
    expiring = true;
    store.expire().onComplete(ar -> {
      expiring = false;
      if (ar.failed()) {
        LOG.warn("history housekeeping failed: {}", String.valueOf(ar.cause().getMessage()));
      } else if (ar.result() > 0) {
        LOG.info("history housekeeping removed {} idle channels", ar.result());
      }
      refreshChannelCount();
      rates.prune(60);
    });
  }

  private void refreshChannelCount() {
    store.channelCount().onSuccess(channelGauge::set);
  }
}
