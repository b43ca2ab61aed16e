package dev.herald.replay;

import dev.herald.bus.BusRequests;
import dev.herald.bus.LocalServices;
import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.HeadsReply;
import dev.herald.replay.api.HeadsRequest;
import dev.herald.replay.api.HistoryAddresses;
import dev.herald.replay.api.HistoryFailure;
import dev.herald.replay.api.HistoryOptions;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.HistoryRequest;
import dev.herald.replay.api.HistoryService;
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
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history service of one node: serves {@code <prefix>.publish} (validate, append to the
 * {@link HistoryStore}, then event-bus publish each stored event on {@code <prefix>.channel.<name>}
 * in sequence order, then reply), {@code <prefix>.history} (reads after a cursor),
 * {@code <prefix>.history.heads} (where channels stand) and {@code <prefix>.history.stats} (this
 * node's busiest channels), and runs the store's housekeeping. A publish that could not be stored
 * before its deadline ({@link BusRequests}) is refused unstored. Failures reply with the
 * {@link HistoryFailure} codes. The clients of its own Vert.x call the same work directly
 * ({@link HistoryService}, registered with {@link LocalServices} while it runs), on their own thread: the
 * store is safe to call from any thread, and so is everything here.
 */
public final class ReplayVerticle extends VerticleBase implements HistoryService {
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
  private final List<LocalServices.Registration> local = new ArrayList<>();
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
    late = Counter.builder("herald.requests.late").tag("service", "history")
        .description("Requests refused because they could not be carried out before their deadline").register(metrics);
    Future<Void> publish = bus.<Object>consumer(addresses.publish(), this::onPublish).completion();
    Future<Void> history = bus.<Object>consumer(addresses.history(), this::onHistory).completion();
    Future<Void> stats = bus.<Object>consumer(addresses.stats(), this::onStats).completion();
    Future<Void> heads = bus.<Object>consumer(addresses.heads(), this::onHeads).completion();
    long period = housekeepingPeriodMs(options);
    timer = vertx.setPeriodic(period, id -> housekeeping());
    refreshChannelCount();
    return Future.all(publish, history, stats, heads).onSuccess(x -> {
      // this node's clients call the verticle directly from now on (no message, no hand-over), on a store
      // that answers in this process
      if (store.answersInProcess()) {
        for (String address : List.of(addresses.publish(), addresses.history(), addresses.heads())) {
          local.add(LocalServices.register(bus, address, this));
        }
      }
      LOG.info("history serving {} (maxEvents {}, maxAge {}, idleChannelTtl {}, housekeeping every {} ms)",
          addresses.publish(), options.maxEvents(), options.maxAge(), options.idleChannelTtl(), period);
    });
  }

  @Override
  public Future<?> stop() {
    local.forEach(LocalServices.Registration::close);
    local.clear();
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return Future.succeededFuture();
  }

  private void onPublish(Message<Object> m) {
    PublishMessage p;
    try {
      p = PublishMessage.fromJson(m.body(), JsonText::compact);
    } catch (ReplyException e) {
      m.fail(e.failureCode(), e.getMessage());
      return;
    }
    reply(m, publishChecked(p, BusRequests.deadline(m)), PublishReply::toJson);
  }

  @Override
  public Future<PublishReply> publish(PublishMessage message, long deadline) {
    PublishMessage p;
    try {
      p = message.checked(JsonText::compact);
    } catch (ReplyException e) {
      return Future.failedFuture(e);
    }
    return publishChecked(p, deadline);
  }

  /** Stores the events of a checked message, then fans them out in order; or refuses it, unstored. */
  private Future<PublishReply> publishChecked(PublishMessage p, long deadline) {
    String tooLate = BusRequests.tooLate(deadline, store.timeoutMs());
    if (tooLate != null) {
      late.increment();
      storeFailed("history publish", new IllegalStateException("refused unstored: " + tooLate));
      return failed(HistoryFailure.UNAVAILABLE, "not stored: " + tooLate);
    }
    List<PublishRequest> requests = p.events();
    Future<List<HistoryStore.Appended>> appended =
        p.batch() ? store.appendAll(requests) : store.append(requests.get(0)).map(List::of);
    return appended.transform(ar -> {
      if (ar.failed()) {
        storeFailed("history publish to " + requests.get(0).channel(), ar.cause());
        return failed(HistoryFailure.UNAVAILABLE, unavailable(ar.cause()));
      }
      return answer(p, ar.result());
    });
  }

  /** Fans out what was stored, in order, and answers; or fails the whole message on a conflict. */
  private Future<PublishReply> answer(PublishMessage p, List<HistoryStore.Appended> outcomes) {
    List<PublishRequest> requests = p.events();
    if (outcomes.size() != requests.size()) {
      return failed(HistoryFailure.UNAVAILABLE, "the history store answered " + outcomes.size() + " results for "
          + requests.size() + " events");
    }
    for (int i = 0; i < outcomes.size(); i++) {
      if (outcomes.get(i).outcome() == HistoryStore.Outcome.CONFLICT) {
        PublishRequest r = requests.get(i);
        return failed(HistoryFailure.CONFLICT, (p.batch() ? "events[" + i + "]: " : "") + "idempotency key "
            + r.idempotencyKey() + " was used for another event on channel " + r.channel());
      }
    }
    for (HistoryStore.Appended a : outcomes) {
      if (a.event() == null) { // SKIPPED without a CONFLICT: a store that broke its contract
        return failed(HistoryFailure.UNAVAILABLE, "the history store answered " + a.outcome() + " without a conflict");
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
    return Future.succeededFuture(new PublishReply(results, p.batch()));
  }

  private void onHeads(Message<Object> m) {
    HeadsRequest r;
    try {
      r = HeadsRequest.fromJson(m.body());
    } catch (ReplyException e) {
      m.fail(e.failureCode(), e.getMessage());
      return;
    }
    reply(m, headsChecked(r), HeadsReply::toJson);
  }

  @Override
  public Future<HeadsReply> heads(HeadsRequest request, long deadline) {
    try {
      return headsChecked(request.checked());
    } catch (ReplyException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<HeadsReply> headsChecked(HeadsRequest r) {
    return store.heads(r.channels()).transform(ar -> {
      if (ar.failed()) {
        storeFailed("heads read of " + r.channels().size() + " channels", ar.cause());
        return failed(HistoryFailure.UNAVAILABLE, unavailable(ar.cause()));
      }
      return Future.succeededFuture(new HeadsReply(ar.result()));
    });
  }

  private void onHistory(Message<Object> m) {
    HistoryRequest r;
    try {
      r = HistoryRequest.fromJson(m.body());
    } catch (ReplyException e) {
      m.fail(e.failureCode(), e.getMessage());
      return;
    }
    reply(m, readChecked(r), page -> page.toJson(r.raw()));
  }

  @Override
  public Future<HistoryPage> read(HistoryRequest request, long deadline) {
    try {
      return readChecked(request.checked());
    } catch (ReplyException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<HistoryPage> readChecked(HistoryRequest r) {
    Cursor.Position after;
    try {
      after = r.position();
    } catch (ReplyException e) {
      return Future.failedFuture(e);
    }
    return store.read(r.channel(), after, r.limit()).transform(ar -> {
      if (ar.failed()) {
        storeFailed("history read of " + r.channel(), ar.cause());
        return failed(HistoryFailure.UNAVAILABLE, unavailable(ar.cause()));
      }
      return Future.succeededFuture(ar.result());
    });
  }

  /** Answers {@code m} with what {@code result} gives, or with its failure's code (503 for any other failure). */
  private static <T> void reply(Message<Object> m, Future<T> result, Function<T, Object> body) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(body.apply(ar.result()));
      } else if (ar.cause() instanceof ReplyException e) {
        m.fail(e.failureCode(), e.getMessage());
      } else {
        m.fail(HistoryFailure.UNAVAILABLE, unavailable(ar.cause()));
      }
    });
  }

  /** The failure a caller sees: what a bus reply's {@code fail(code, message)} gives it. */
  private static <T> Future<T> failed(int code, String message) {
    return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message));
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
