package dev.herald.replay;

import dev.herald.bus.BusRequests;
import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.HistoryAddresses;
import dev.herald.replay.api.HistoryFailure;
import dev.herald.replay.api.HistoryMessages;
import dev.herald.replay.api.HistoryOptions;
import dev.herald.replay.api.ChannelHead;
import dev.herald.replay.api.Names;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.PublishResult;
import dev.herald.replay.api.StoredEvent;
import dev.herald.replay.api.StoredEventCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
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
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  static final int DEFAULT_TOP = 10;
  static final int MAX_TOP = 100;
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
    PublishMessage.Parsed p;
    try {
      p = PublishMessage.parse(m.body());
    } catch (IllegalArgumentException e) {
      m.fail(HistoryFailure.BAD_REQUEST, e.getMessage());
      return;
    }
    List<PublishRequest> requests = p.requests();
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
  private void answer(Message<Object> m, PublishMessage.Parsed p, List<HistoryStore.Appended> outcomes) {
    List<PublishRequest> requests = p.requests();
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
      results.add(new PublishResult(e.channel(), e.id(), e.epoch(), e.seq(), e.publishedAt(), duplicate));
    }
    published.increment(stored);
    if (newChannel) {
      refreshChannelCount();
    }
    m.reply(p.batch() ? HistoryMessages.results(results) : HistoryMessages.result(results.get(0)));
  }

  private void onHistory(Message<Object> m) {
    if (!(m.body() instanceof JsonObject o)) {
      m.fail(HistoryFailure.BAD_REQUEST, "the history message must be a JSON object");
      return;
    }
    Object ch = o.getValue("channel");
    String channel = ch instanceof String s ? s : null;
    String problem = ch == null || ch instanceof String ? Names.channelProblem(channel) : "the channel must be a string";
    if (problem != null) {
      m.fail(HistoryFailure.BAD_REQUEST, problem);
      return;
    }
    Cursor.Position after = null;
    Object a = o.getValue("after");
    if (a != null) {
      Cursor cursor;
      try {
        cursor = Cursor.decode(a instanceof String s ? s : null);
      } catch (IllegalArgumentException e) {
        m.fail(HistoryFailure.BAD_REQUEST, "after is not a Herald event id");
        return;
      }
      after = cursor.find(channel);
      if (after == null) {
        m.fail(HistoryFailure.BAD_REQUEST, "after does not cover channel " + channel);
        return;
      }
    }
    int limit = intIn(o.getValue("limit"), DEFAULT_LIMIT, MAX_LIMIT);
    if (limit < 0) {
      m.fail(HistoryFailure.BAD_REQUEST, "limit must be an integer from 1 to " + MAX_LIMIT);
      return;
    }
    Object r = o.getValue("raw");
    if (r != null && !(r instanceof Boolean)) {
      m.fail(HistoryFailure.BAD_REQUEST, "raw must be true or false");
      return;
    }
    boolean raw = Boolean.TRUE.equals(r);
    store.read(channel, after, limit).onComplete(ar -> {
      if (ar.failed()) {
        storeFailed("history read of " + channel, ar.cause());
        m.fail(HistoryFailure.UNAVAILABLE, unavailable(ar.cause()));
      } else {
        m.reply(HistoryMessages.page(ar.result(), raw));
      }
    });
  }

  private void onHeads(Message<Object> m) {
    List<String> channels = new ArrayList<>();
    if (!(m.body() instanceof JsonObject o) || !(o.getValue("channels") instanceof io.vertx.core.json.JsonArray a)
        || a.isEmpty() || a.size() > HistoryMessages.MAX_HEADS) {
      m.fail(HistoryFailure.BAD_REQUEST, "the heads message must be {\"channels\": [1 to "
          + HistoryMessages.MAX_HEADS + " channel names]}");
      return;
    }
    for (int i = 0; i < a.size(); i++) {
      String problem = a.getValue(i) instanceof String s ? Names.channelProblem(s) : "must be a channel name";
      if (problem != null) {
        m.fail(HistoryFailure.BAD_REQUEST, "channels[" + i + "]: " + problem);
        return;
      }
      channels.add(a.getString(i));
    }
    store.heads(channels).onComplete(ar -> {
      if (ar.failed()) {
        storeFailed("history heads", ar.cause());
        m.fail(HistoryFailure.UNAVAILABLE, unavailable(ar.cause()));
      } else {
        List<ChannelHead> heads = ar.result();
        m.reply(HistoryMessages.headsReply(heads));
      }
    });
  }

  private void onStats(Message<Object> m) {
    Object l = m.body() instanceof JsonObject o ? o.getValue("limit") : null;
    int limit = intIn(l, DEFAULT_TOP, MAX_TOP);
    if (limit < 0) {
      m.fail(HistoryFailure.BAD_REQUEST, "limit must be an integer from 1 to " + MAX_TOP);
      return;
    }
    store.channelCount().onComplete(ar -> {
      if (ar.failed()) {
        storeFailed("history stats", ar.cause());
        m.fail(HistoryFailure.UNAVAILABLE, unavailable(ar.cause()));
        return;
      }
      channelGauge.set(ar.result());
      m.reply(new JsonObject().put("channels", ar.result()).put("published", rates.published())
          .put("ratePerSec", rates.ratePerSec()).put("top", rates.top(limit)));
    });
  }

  /** {@code value} as an integer in 1..max, {@code dflt} when absent, -1 when it is anything else. */
  private static int intIn(Object value, int dflt, int max) {
    if (value == null) {
      return dflt;
    }
    if (!(value instanceof Number n)) {
      return -1;
    }
    double d = n.doubleValue();
    if (d != Math.rint(d) || d < 1 || d > max) {
      return -1;
    }
    return (int) d;
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
