package dev.herald.heartbeat.api;

import dev.herald.bus.BusRequests;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Set;

/**
 * Typed client of the heartbeat verticle for any verticle on any node (docs/event-bus.md). Requests go to
 * this node's heartbeat verticle when it runs one, else to another node's, and carry their deadline
 * ({@link BusRequests}): a start or stop that arrives after its caller gave up is refused, never carried out.
 * Failures are {@link ReplyException}s with a {@link PresenceFailure} code.
 */
public final class PresenceClient {
  private final EventBus bus;
  private final BusRequests requests;
  private final PresenceAddresses addresses;

  public PresenceClient(EventBus bus, PresenceAddresses addresses, long timeoutMs) {
    this.bus = bus;
    this.requests = new BusRequests(bus, timeoutMs);
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
    return start(sessionId, userId, meta, null, 0);
  }

  /**
   * {@link #start(String, String, JsonObject)} counted against {@code client}'s sessions: when the client
   * already holds {@code maxPerClient} connected sessions (this one not among them), fails with
   * {@link PresenceFailure#TOO_MANY}. The gateway names the token's user, or the client address.
   *
   * @param client       whom the session counts against, or {@code null} for no bound
   * @param maxPerClient the bound; 0 for none
   */
  public Future<StartResult> start(String sessionId, String userId, JsonObject meta, String client, int maxPerClient) {
    return request(addresses.start(), new StartRequest(sessionId, userId, meta, client, maxPerClient).toJson())
        .map(StartResult::fromJson);
  }

  /** Beats one session; fails with {@link PresenceFailure#NOT_FOUND} when it is not connected. */
  public Future<Void> beat(String sessionId) {
    return request(addresses.beat(), BeatRequest.one(sessionId).toJson()).mapEmpty();
  }

  /** Beats many sessions in one message; answers the ids that are not connected. */
  public Future<Set<String>> beatAll(Collection<String> sessionIds) {
    return request(addresses.beat(), BeatRequest.many(sessionIds).toJson()).map(b -> BeatReply.fromJson(b).missing());
  }

  /** Stops a session; answers true when it was connected (and so got its disconnect now). */
  public Future<Boolean> stop(String sessionId) {
    return stop(sessionId, null);
  }

  /** {@link #stop(String)} of a session started for {@code client}: its slot of the client's bound is freed now. */
  public Future<Boolean> stop(String sessionId, String client) {
    return request(addresses.stop(), new StopRequest(sessionId, client).toJson())
        .map(b -> StopReply.fromJson(b).stopped());
  }

  /**
   * Stops a session whose page goes away ({@code stop?leaving=1}): its disconnect (reason {@code stop})
   * follows after {@code heartbeat.leaveGrace} unless a start or beat of the session comes first (a
   * reload, another tab still open), which makes it a {@code reconnect}. Answers true when it was connected.
   */
  public Future<Boolean> leave(String sessionId) {
    return leave(sessionId, null);
  }

  /** {@link #leave(String)} of a session started for {@code client}. */
  public Future<Boolean> leave(String sessionId, String client) {
    return request(addresses.stop(), new StopRequest(sessionId, client, true).toJson())
        .map(b -> StopReply.fromJson(b).leaving());
  }

  /** The seed's {@code isConnected}: the session, or {@code null} when it is not connected. */
  public Future<Session> get(String sessionId) {
    return request(addresses.get(), new SessionRequest(sessionId).toJson()).map(Session::fromJson)
        .recover(e -> e instanceof ReplyException re && re.failureCode() == PresenceFailure.NOT_FOUND
            ? Future.succeededFuture(null) : Future.failedFuture(e));
  }

  /** The seed's {@code allConnected}, one page at a time ({@code cursor} null for the first page). */
  public Future<SessionPage> list(String cursor, int limit) {
    return request(addresses.list(), new ListRequest(cursor, limit).toJson()).map(SessionPage::fromJson);
  }

  /** Runs a purge now; answers how many sessions it disconnected. */
  public Future<Integer> purge() {
    return request(addresses.purge(), new JsonObject()).map(b -> PurgeReply.fromJson(b).disconnected());
  }

  /** Listens to one presence event type anywhere in the cluster (the seed's {@code on('disconnect', …)}). */
  public MessageConsumer<JsonObject> on(PresenceEvent.Type type, Handler<PresenceEvent> handler) {
    return bus.<JsonObject>consumer(addresses.event(type), m -> handler.handle(PresenceEvent.fromJson(type, m.body())));
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return requests.<JsonObject>request(address, body).map(m -> m.body());
  }
}
