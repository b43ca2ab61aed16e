package dev.herald.heartbeat;

import dev.herald.bus.BusRequests;
import dev.herald.heartbeat.api.BeatReply;
import dev.herald.heartbeat.api.BeatRequest;
import dev.herald.heartbeat.api.ListRequest;
import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceEvent;
import dev.herald.heartbeat.api.PresenceFailure;
import dev.herald.heartbeat.api.PresenceOptions;
import dev.herald.heartbeat.api.PurgeReply;
import dev.herald.heartbeat.api.Session;
import dev.herald.heartbeat.api.SessionIds;
import dev.herald.heartbeat.api.SessionRequest;
import dev.herald.heartbeat.api.StartRequest;
import dev.herald.heartbeat.api.StartResult;
import dev.herald.heartbeat.api.StopReply;
import dev.herald.heartbeat.api.StopRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence (the seed's heartbeat responder) on the event bus: serves start / beat / stop and
 * sessions list / get / purge on {@link PresenceAddresses}, purges expired sessions every
 * {@code purgeDelay}, and <em>publishes</em> {@code connect}, {@code reconnect} and {@code disconnect}
 * events. One instance per node; every node may purge at once, since the store's claims are atomic:
 * only the purge or stop that removed a session publishes its disconnect (G3).
 *
 * <p>Failures reply with a {@code ReplyException} whose code is one of {@link PresenceFailure}: 400
 * for a malformed message, 404 for a session that is not connected, 413 for meta over 4 KiB, 429 when a
 * start's {@code client} holds its {@code maxPerClient} sessions already ({@link ClientLedger}), 503 when
 * the store fails or {@code heartbeat.maxSessions} is reached, or when a request could not be carried out
 * before its deadline ({@link BusRequests}: it is then not carried out at all); the message names the problem.
 */
public final class HeartbeatVerticle extends VerticleBase {
  /** Sessions claimed per store call during a purge; a purge calls again while batches come back full. */
  public static final int PURGE_BATCH = 1000;
  /** A leave whose end could not reach the store is tried again this many times; then the purge ends it. */
  static final int LEAVE_RETRIES = 3;
  /** The sessions gauge is counted at most this often. */
  static final long COUNT_INTERVAL_MS = 1000;
  /** Requests refused for their deadline are logged at most this often. */
  static final long LATE_LOG_MS = 10_000;

  private final PresenceStore store;
  private final PresenceOptions options;
  private final PresenceAddresses addresses;
  private final MeterRegistry registry;
  private final Logger log;
  private final AtomicBoolean timerPurgeRunning = new AtomicBoolean();
  private final AtomicBoolean countRunning = new AtomicBoolean();
  private final AtomicBoolean countAgain = new AtomicBoolean();
  private final StoreTrouble trouble;
  /** Sessions per client, or {@code null}: starts then have no per-client bound. */
  private final ClientLedger clients;
  private long lastCountAt;
  private PresenceMetrics metrics;
  private Counter late;
  private long nextLateLog;
  private long timerId = -1;

  public HeartbeatVerticle(PresenceStore store, PresenceOptions options, PresenceAddresses addresses,
                           MeterRegistry metrics) {
    this(store, null, options, addresses, metrics);
  }

  /**
   * @param clients where the sessions of each client are counted, for starts that name a {@code client} and a
   *                {@code maxPerClient}; {@code null}: no such bound
   */
  public HeartbeatVerticle(PresenceStore store, ClientLedger clients, PresenceOptions options,
                           PresenceAddresses addresses, MeterRegistry metrics) {
    this.clients = clients;
    this.store = Objects.requireNonNull(store, "store");
    this.options = Objects.requireNonNull(options, "options");
    this.addresses = Objects.requireNonNull(addresses, "addresses");
    this.registry = Objects.requireNonNull(metrics, "metrics");
    this.log = LoggerFactory.getLogger(addresses.prefix() + ".heartbeat");
    this.trouble = new StoreTrouble(log);
  }

  @Override
  public Future<?> start() {
    metrics = new PresenceMetrics(registry);
    late = Counter.builder("herald.requests.late").tag("service", "presence")
        .description("Requests refused because they could not be carried out before their deadline").register(registry);
    EventBus bus = vertx.eventBus();
    long write = store.timeoutMs();
    List<Future<?>> registrations = new ArrayList<>();
    registrations.add(serve(bus, addresses.start(), write, this::start));
    registrations.add(serve(bus, addresses.beat(), write, this::beat));
    registrations.add(serve(bus, addresses.stop(), write, this::stop));
    registrations.add(serve(bus, addresses.list(), 0, this::list));
    registrations.add(serve(bus, addresses.get(), 0, this::get));
    registrations.add(serve(bus, addresses.purge(), write, body -> purge().map(n -> new PurgeReply(n).toJson())));
    timerId = vertx.setPeriodic(options.purgeDelay().toMillis(), id -> purgeOnTimer());
    refreshCount();
    return Future.all(registrations).onSuccess(v -> log.info(
        "presence serving {}.heartbeat.* and {}.sessions.*: purge every {} ms, expiry after {} ms, at most {} sessions",
        addresses.prefix(), addresses.prefix(), options.purgeDelay().toMillis(), options.expireDelay().toMillis(),
        options.maxSessions()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    metrics.close();
    return Future.succeededFuture();
  }

  /**
   * Registers a request/reply consumer whose operation answers a reply body or fails. A request that
   * could not be done before its deadline, counting {@code workMs} for the store, is refused undone.
   */
  private Future<Void> serve(EventBus bus, String address, long workMs, Function<Object, Future<JsonObject>> operation) {
    return bus.<Object>consumer(address, message -> {
      String tooLate = BusRequests.tooLate(message, workMs);
      if (tooLate != null) {
        refusedLate(address, tooLate);
        message.fail(PresenceFailure.UNAVAILABLE, "not done: " + tooLate);
        return;
      }
      Future<JsonObject> reply;
      try {
        reply = operation.apply(message.body());
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onComplete(ar -> {
        if (ar.succeeded()) {
          trouble.answered();
          message.reply(ar.result());
        } else {
          fail(message, address, ar.cause());
        }
      });
    }).completion();
  }

  /** Counts a request refused for its deadline; logs one line per {@value #LATE_LOG_MS} ms at most. */
  private void refusedLate(String address, String why) {
    late.increment();
    long now = System.currentTimeMillis();
    if (now >= nextLateLog) {
      nextLateLog = now + LATE_LOG_MS;
      log.warn("{}: refused a request undone: {} (herald_requests_late_total counts them)", address, why);
    }
  }

  private void fail(Message<Object> message, String address, Throwable cause) {
    if (cause instanceof ReplyException f) {
      trouble.answered();
      message.fail(f.failureCode(), f.getMessage());
    } else if (cause instanceof SessionLimitException) {
      log.warn("{}: {}", address, cause.getMessage());
      message.fail(PresenceFailure.UNAVAILABLE, cause.getMessage());
    } else {
      trouble.failed(address, cause);
      message.fail(PresenceFailure.UNAVAILABLE, "presence store unavailable: " + cause.getMessage());
    }
  }

  private Future<JsonObject> start(Object body) {
    StartRequest r = StartRequest.fromJson(body);
    String sessionId = r.sessionId() != null ? r.sessionId() : SessionIds.newId();
    Future<Void> admitted = r.client() == null || r.maxPerClient() == 0 || clients == null
        ? Future.succeededFuture() : admit(r.client(), sessionId, r.maxPerClient(), true);
    return admitted.compose(v -> store.start(sessionId, r.userId(), r.meta(), now())).map(result -> {
      started(result);
      return result.toJson();
    });
  }

  /**
   * Takes a slot of {@code client}'s sessions for {@code sessionId}; when the client is at its bound, checks
   * the sessions not known to be connected for a while, lets the ledger forget the ended ones, and tries once
   * more; fails with {@link PresenceFailure#TOO_MANY} when the client still holds {@code max} sessions.
   */
  private Future<Void> admit(String client, String sessionId, int max, boolean settleFirst) {
    long now = now();
    return clients.admit(client, sessionId, max, now, now - options.expireDelay().toMillis()).compose(stale -> {
      if (stale == null) {
        return Future.succeededFuture();
      }
      if (!settleFirst || stale.isEmpty()) {
        return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, PresenceFailure.TOO_MANY,
            "this client already holds " + max + " sessions; stop one, or wait until an abandoned one expires"));
      }
      List<Future<Session>> checks = new ArrayList<>(stale.size());
      stale.forEach(id -> checks.add(store.get(id)));
      return Future.all(checks).compose(all -> {
        List<String> alive = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < stale.size(); i++) {
          (all.resultAt(i) != null ? alive : gone).add(stale.get(i));
        }
        return clients.settle(client, alive, gone, now);
      }).compose(v -> admit(client, sessionId, max, false));
    });
  }

  private void started(StartResult result) {
    PresenceEvent.Type type = result.reconnect() ? PresenceEvent.Type.RECONNECT : PresenceEvent.Type.CONNECT;
    metrics.connected(result.reconnect());
    if (options.logging() >= 1) {
      log.info("{} session {} user {}", type.wire(), result.session().sessionId(), result.session().userId());
    }
    vertx.eventBus().publish(addresses.event(type), new PresenceEvent(type, result.session(), null).toJson());
    if (!result.reconnect()) {
      refreshCount();
    }
  }

  private Future<JsonObject> beat(Object body) {
    BeatRequest r = BeatRequest.fromJson(body);
    List<String> batch = r.sessionIds();
    if (r.batch()) {
      return store.beat(batch, now()).map(beaten -> {
        Set<String> missing = beaten.missing();
        resumed(beaten);
        metrics.beats(batch.size() - missing.size());
        if (options.logging() >= 2) {
          log.info("beat {} sessions, {} not connected", batch.size(), missing.size());
        }
        return new BeatReply(missing).toJson();
      });
    }
    String sessionId = batch.get(0);
    return store.beat(batch, now()).compose(beaten -> {
      if (!beaten.missing().isEmpty()) {
        return Future.failedFuture(notConnected(sessionId));
      }
      resumed(beaten);
      metrics.beats(1);
      if (options.logging() >= 2) {
        log.info("beat session {}", sessionId);
      }
      return Future.succeededFuture(new JsonObject());
    });
  }

  /** Sessions whose page went away but that a beat showed alive: the leave was a {@code reconnect}. */
  private void resumed(PresenceStore.Beaten beaten) {
    for (Session s : beaten.resumed()) {
      started(new StartResult(s, true));
    }
  }

  private Future<JsonObject> stop(Object body) {
    StopRequest request = StopRequest.fromJson(body);
    String sessionId = request.sessionId();
    String client = request.client();
    if (request.leaving()) {
      return leave(sessionId);
    }
    return store.remove(sessionId).map(removed -> {
      if (removed != null && client != null && clients != null) {
        clients.settle(client, List.of(), List.of(sessionId), now());
      }
      if (removed != null) {
        disconnected(removed, PresenceEvent.REASON_STOP);
        refreshCount();
      }
      return new StopReply(removed != null, false).toJson();
    });
  }

  /**
   * A stop of a page that goes away: marks the session leaving and, after {@code heartbeat.leaveGrace},
   * ends it (reason {@code stop}) only if no start or beat took the mark away meanwhile. Should this node
   * die first, the session expires and a purge ends it: one disconnect either way (G3).
   */
  private Future<JsonObject> leave(String sessionId) {
    String token = SessionIds.newId();
    return store.leave(sessionId, token).map(connected -> {
      if (connected) {
        vertx.setTimer(Math.max(1, options.leaveGrace().toMillis()), id -> departAfterGrace(sessionId, token, 0));
      }
      return new StopReply(false, connected).toJson();
    });
  }

  private void departAfterGrace(String sessionId, String token, int failures) {
    store.depart(sessionId, token).onComplete(ar -> {
      if (ar.succeeded()) {
        if (ar.result() != null) {
          disconnected(ar.result(), PresenceEvent.REASON_STOP);
          refreshCount();
        }
      } else if (failures < LEAVE_RETRIES) {
        // the store is unreachable: try again shortly; if it stays so, the session expires and a purge ends it
        vertx.setTimer(options.leaveGrace().toMillis() + 1000, id -> departAfterGrace(sessionId, token, failures + 1));
      } else {
        trouble.failed("leave of session " + sessionId, ar.cause());
      }
    });
  }

  private Future<JsonObject> list(Object body) {
    ListRequest r = ListRequest.fromJson(body);
    return store.list(r.cursor(), r.limit()).map(page -> page.toJson());
  }

  private Future<JsonObject> get(Object body) {
    String sessionId = SessionRequest.fromJson(body).sessionId();
    return store.get(sessionId).compose(s -> s == null
        ? Future.failedFuture(notConnected(sessionId)) : Future.succeededFuture(s.toJson()));
  }

  private void purgeOnTimer() {
    if (!timerPurgeRunning.compareAndSet(false, true)) {
      return; // the previous purge is still claiming: the next tick will run
    }
    purge().onComplete(ar -> {
      timerPurgeRunning.set(false);
      if (ar.failed()) {
        trouble.failed("purge", ar.cause());
      } else {
        trouble.answered();
      }
    });
  }

  /** Claims every session silent for expireDelay, in batches, and publishes one disconnect for each. */
  Future<Integer> purge() {
    long seenBefore = now() - options.expireDelay().toMillis();
    return claimFrom(seenBefore, 0).andThen(ar -> {
      if (ar.succeeded() && ar.result() > 0 && options.logging() >= 1) {
        log.info("purge disconnected {} expired sessions", ar.result());
      }
      refreshCount();
    });
  }

  private Future<Integer> claimFrom(long seenBefore, int total) {
    return store.claimExpired(seenBefore, PURGE_BATCH).compose(claimed -> {
      for (Session s : claimed) {
        disconnected(s, PresenceEvent.REASON_TIMEOUT);
      }
      int sum = total + claimed.size();
      return claimed.size() < PURGE_BATCH ? Future.succeededFuture(sum) : claimFrom(seenBefore, sum);
    });
  }

  private void disconnected(Session session, String reason) {
    metrics.disconnected(reason);
    if (clients != null) {
      clients.ended(session);
    }
    if (options.logging() >= 1) {
      log.info("disconnect session {} user {} reason {}", session.sessionId(), session.userId(), reason);
    }
    PresenceEvent event = new PresenceEvent(PresenceEvent.Type.DISCONNECT, session, reason);
    vertx.eventBus().publish(addresses.event(PresenceEvent.Type.DISCONNECT), event.toJson());
  }

  /**
   * Refreshes the sessions gauge from the store: concurrent requests fold into one more count, and
   * counts run at most once per {@link #COUNT_INTERVAL_MS} (a count is 16 commands on Redis; it must not
   * ride along with every connect).
   */
  private void refreshCount() {
    countAgain.set(true);
    if (!countRunning.compareAndSet(false, true)) {
      return;
    }
    long wait = lastCountAt + COUNT_INTERVAL_MS - System.currentTimeMillis();
    if (wait > 0) {
      vertx.setTimer(wait, id -> {
        countRunning.set(false);
        refreshCount();
      });
      return;
    }
    countAgain.set(false);
    lastCountAt = System.currentTimeMillis();
    store.count().onComplete(ar -> {
      if (ar.succeeded()) {
        metrics.sessions(ar.result());
      }
      countRunning.set(false);
      if (countAgain.get()) {
        refreshCount();
      }
    });
  }

  private static ReplyException notConnected(String sessionId) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, PresenceFailure.NOT_FOUND,
        "session " + sessionId + " is not connected");
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
