package dev.herald.heartbeat.api;

import dev.herald.bus.BusRequests;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Typed client of the heartbeat verticle for any verticle on any node (the seed's
 * {@code ss.heartbeat} API over the event bus). Requests go to this node's heartbeat verticle when it
 * runs one, else to another node's, and carry their deadline ({@link BusRequests}): a start or stop
 * that arrives after its caller gave up is refused, never carried out.
 */
public final class PresenceClient {
  private final EventBus events;
  private final BusRequests bus;
  private final PresenceAddresses addresses;

  public PresenceClient(EventBus bus, PresenceAddresses addresses, long timeoutMs) {
    this.events = bus;
    this.bus = new BusRequests(bus, timeoutMs);
    this.addresses = addresses;
  }

  public PresenceAddresses addresses() {
    return addresses;
  }

  /**
   * Starts a session: {@code connect} when it is not connected, {@code reconnect} when it still is.
   *
   * @param sessionId the id to use, or {@code null} to have one made (128 random bits)
   * @param userId    the owner, or {@code null}
   * @param meta      application data, or {@code null}
   */
  public Future<StartResult> start(String sessionId, String userId, JsonObject meta) {
    JsonObject req = new JsonObject();
    if (sessionId != null) {
      req.put("sessionId", sessionId);
    }
    if (userId != null) {
      req.put("userId", userId);
    }
    if (meta != null) {
      req.put("meta", meta);
    }
    return bus.<JsonObject>request(addresses.start(), req).map(m -> new StartResult(
        Session.fromJson(m.body().getJsonObject("session")), "reconnect".equals(m.body().getString("state"))));
  }

  /** Beats one session; fails with {@link PresenceFailure#NOT_FOUND} when it is not connected. */
  public Future<Void> beat(String sessionId) {
    return bus.request(addresses.beat(), new JsonObject().put("sessionId", sessionId)).mapEmpty();
  }

  /** Beats many sessions in one message; answers the ids that are not connected. */
  public Future<Set<String>> beatAll(Collection<String> sessionIds) {
    JsonObject req = new JsonObject().put("sessionIds", new JsonArray(new ArrayList<>(sessionIds)));
    return bus.<JsonObject>request(addresses.beat(), req).map(m -> {
      Set<String> missing = new HashSet<>();
      m.body().getJsonArray("missing").forEach(id -> missing.add((String) id));
      return missing;
    });
  }

  /** Stops a session; answers true when it was connected (and so got its disconnect now). */
  public Future<Boolean> stop(String sessionId) {
    return bus.<JsonObject>request(addresses.stop(), new JsonObject().put("sessionId", sessionId))
        .map(m -> m.body().getBoolean("stopped"));
  }

  /** The seed's {@code isConnected}: the session, or {@code null} when it is not connected. */
  public Future<Session> get(String sessionId) {
    return bus.<JsonObject>request(addresses.get(), new JsonObject().put("sessionId", sessionId))
        .map(m -> Session.fromJson(m.body()))
        .recover(e -> e instanceof io.vertx.core.eventbus.ReplyException re
            && re.failureCode() == PresenceFailure.NOT_FOUND ? Future.succeededFuture(null) : Future.failedFuture(e));
  }

  /** The seed's {@code allConnected}, one page at a time ({@code cursor} null for the first page). */
  public Future<SessionPage> list(String cursor, int limit) {
    JsonObject req = new JsonObject().put("limit", limit);
    if (cursor != null) {
      req.put("cursor", cursor);
    }
    return bus.<JsonObject>request(addresses.list(), req).map(m -> {
      JsonArray a = m.body().getJsonArray("sessions");
      List<Session> sessions = new ArrayList<>(a.size());
      for (int i = 0; i < a.size(); i++) {
        sessions.add(Session.fromJson(a.getJsonObject(i)));
      }
      return new SessionPage(sessions, m.body().getString("cursor"));
    });
  }

  /** Runs a purge now; answers how many sessions it disconnected. */
  public Future<Integer> purge() {
    return bus.<JsonObject>request(addresses.purge(), new JsonObject())
        .map(m -> m.body().getInteger("disconnected"));
  }

  /** Listens to one presence event type anywhere in the cluster (the seed's {@code on('disconnect', …)}). */
  public MessageConsumer<JsonObject> on(PresenceEvent.Type type, Handler<PresenceEvent> handler) {
    return events.<JsonObject>consumer(addresses.event(type), m -> handler.handle(PresenceEvent.fromJson(type, m.body())));
  }
}
