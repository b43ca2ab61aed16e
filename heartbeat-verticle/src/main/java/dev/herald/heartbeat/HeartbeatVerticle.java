package dev.herald.heartbeat;

import dev.herald.bus.BusRequests;
import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceEvent;
import dev.herald.heartbeat.api.PresenceFailure;
import dev.herald.heartbeat.api.PresenceOptions;
import dev.herald.heartbeat.api.Session;
import dev.herald.heartbeat.api.SessionIds;
import dev.herald.heartbeat.api.StartResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
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
 * for a malformed message, 404 for a session that is not connected, 413 for meta over 4 KiB, 503 when
 * the store fails or {@code heartbeat.maxSessions} is reached, or when a request could not be carried
 * out before its deadline ({@link BusRequests}: it is then not carried out at all); the message names
 * the problem.
 */
public final class HeartbeatVerticle extends VerticleBase {
  /** Sessions claimed per store call during a purge; a purge calls again while batches come back full. */
  public static final int PURGE_BATCH = 1000;
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
  private long lastCountAt;
  private PresenceMetrics metrics;
  private Counter late;
  private long nextLateLog;
  private long timerId = -1;

  public HeartbeatVerticle(PresenceStore store, PresenceOptions options, PresenceAddresses addresses,
                           MeterRegistry metrics) {
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
    registrations.add(serve(bus, addresses.purge(), write,
        body -> purge().map(n -> new JsonObject().put("disconnected", n))));
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
  private Future<Void> serve(EventBus bus, String address, long workMs,
                             Function<JsonObject, Future<JsonObject>> operation) {
    return bus.<Object>consumer(address, message -> {
      String tooLate = BusRequests.tooLate(message, workMs);
      if (tooLate != null) {
        refusedLate(address, tooLate);
        message.fail(PresenceFailure.UNAVAILABLE, "not done: " + tooLate);
        return;
      }
      Future<JsonObject> reply;
      try {
        reply = operation.apply(PresenceRequests.body(message));
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
    if (cause instanceof RequestFailure f) {
      trouble.answered();
      message.fail(f.code(), f.getMessage());
    } else if (cause instanceof SessionLimitException) {
      log.warn("{}: {}", address, cause.getMessage());
      message.fail(PresenceFailure.UNAVAILABLE, cause.getMessage());
    } else {
      trouble.failed(address, cause);
      message.fail(PresenceFailure.UNAVAILABLE, "presence store unavailable: " + cause.getMessage());
    }
  }

  private Future<JsonObject> start(JsonObject body) {
    String given = PresenceRequests.optionalSessionId(body, "sessionId");
    String userId = PresenceRequests.userId(body);
    JsonObject meta = PresenceRequests.meta(body);
    String sessionId = given != null ? given : SessionIds.newId();
    return store.start(sessionId, userId, meta, now()).map(result -> {
      started(result);
      return new JsonObject().put("session", result.session().toJson()).put("state", result.state());
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

  private Future<JsonObject> beat(JsonObject body) {
    List<String> batch = PresenceRequests.sessionIds(body);
    if (batch != null) {
      if (body.getValue("sessionId") != null) {
        throw new RequestFailure(PresenceFailure.BAD_REQUEST, "give sessionId or sessionIds, not both");
      }
      return store.touch(batch, now()).map(missing -> {
        metrics.beats(batch.size() - missing.size());
        if (options.logging() >= 2) {
          log.info("beat {} sessions, {} not connected", batch.size(), missing.size());
        }
        return new JsonObject().put("missing", new JsonArray(new ArrayList<>(missing)));
      });
    }
    String sessionId = PresenceRequests.sessionId(body);
    return store.touch(List.of(sessionId), now()).compose(missing -> {
      if (!missing.isEmpty()) {
        return Future.failedFuture(notConnected(sessionId));
      }
      metrics.beats(1);
      if (options.logging() >= 2) {
        log.info("beat session {}", sessionId);
      }
      return Future.succeededFuture(new JsonObject());
    });
  }

  private Future<JsonObject> stop(JsonObject body) {
    String sessionId = PresenceRequests.sessionId(body);
    return store.remove(sessionId).map(removed -> {
      if (removed != null) {
        disconnected(removed, PresenceEvent.REASON_STOP);
        refreshCount();
      }
      return new JsonObject().put("stopped", removed != null);
    });
  }

  private Future<JsonObject> list(JsonObject body) {
    String cursor = PresenceRequests.optionalSessionId(body, "cursor");
    int limit = PresenceRequests.limit(body);
    return store.list(cursor, limit).map(page -> {
      JsonArray sessions = new JsonArray(new ArrayList<>(page.sessions().size()));
      page.sessions().forEach(s -> sessions.add(s.toJson()));
      return new JsonObject().put("sessions", sessions).put("cursor", page.cursor());
    });
  }

  private Future<JsonObject> get(JsonObject body) {
    String sessionId = PresenceRequests.sessionId(body);
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

  private static RequestFailure notConnected(String sessionId) {
    return new RequestFailure(PresenceFailure.NOT_FOUND, "session " + sessionId + " is not connected");
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
