package dev.herald.replay.api;

import dev.herald.bus.BusRequests;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Typed client of the replay verticle, for any verticle on any node (docs/event-bus.md). Requests go to this
 * node's replay verticle when it runs one — called directly, without a message, when it is in this Vert.x
 * ({@link HistoryService}) — else to another node's, and carry their deadline ({@link BusRequests}): a node
 * that died while serving the address fails the call instead of hanging it, and a publish that arrives after
 * its caller gave up is refused, never stored. A direct call completes as the store answers: at once on the
 * memory store, so its handlers may run before the call returns.
 * Creating one registers the fan-out's codec ({@link StoredEventCodec}) on the event bus, so its
 * consumers of {@code herald.channel.<channel>} receive {@link StoredEvent}s.
 */
public final class HistoryClient {
  private final EventBus bus;
  private final BusRequests requests;
  private final HistoryAddresses addresses;

  public HistoryClient(EventBus bus, HistoryAddresses addresses, long timeoutMs) {
    this.bus = bus;
    this.requests = new BusRequests(bus, timeoutMs);
    this.addresses = addresses;
    StoredEventCodec.register(bus);
  }

  public HistoryAddresses addresses() {
    return addresses;
  }

  /** Publishes one event; answers once it is stored and fanned out. */
  public Future<PublishResult> publish(PublishRequest r) {
    PublishMessage message = PublishMessage.one(r);
    return publish(message).map(reply -> reply.results().get(0));
  }

  /** Publishes a batch, all or nothing for validation; the results come in request order. */
  public Future<List<PublishResult>> publishAll(List<PublishRequest> rs) {
    return publish(PublishMessage.batch(rs)).map(PublishReply::results);
  }

  private Future<PublishReply> publish(PublishMessage message) {
    return call(addresses.publish(), s -> s.publish(message, requests.deadline()),
        () -> requests.<JsonObject>request(addresses.publish(), message.toJson())
            .map(m -> PublishReply.fromJson(m.body())));
  }

  /**
   * Reads retained events after {@code after} (an event id covering the channel, or {@code null} for
   * the oldest retained), at most {@code limit}; event data comes back as JSON text.
   */
  public Future<HistoryPage> read(String channel, String after, int limit) {
    HistoryRequest r = new HistoryRequest(channel, after, limit, true);
    return call(addresses.history(), s -> s.read(r, requests.deadline()),
        () -> requests.<JsonObject>request(addresses.history(), r.toJson()).map(m -> HistoryPage.fromJson(m.body())));
  }

  /**
   * The head of each channel, in the order asked (at most {@value HeadsRequest#MAX_CHANNELS}): its epoch, the
   * sequence number and publish time of its newest event, all 0 for a channel the store does not hold.
   */
  public Future<List<ChannelHead>> heads(List<String> channels) {
    HeadsRequest r = new HeadsRequest(channels);
    return call(addresses.heads(), s -> s.heads(r, requests.deadline()).map(HeadsReply::heads),
        () -> requests.<JsonObject>request(addresses.heads(), r.toJson())
            .map(m -> HeadsReply.fromJson(channels, m.body()).heads()));
  }

  /**
   * This node's replay verticle called directly when it offers its service here, else a request. Either way
   * the result reaches the caller's context, as a reply would: a result that is complete already (the memory
   * store answers at once; only such stores are offered directly today) is returned as it is, and one that
   * completes later on another thread is brought back to the caller's context.
   */
  private <T> Future<T> call(String address, Function<HistoryService, Future<T>> local,
                             Supplier<Future<T>> remote) {
    HistoryService service = requests.local(address, HistoryService.class);
    if (service == null) {
      return remote.get();
    }
    Context caller = Vertx.currentContext();
    Future<T> result;
    try {
      result = local.apply(service);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (caller == null || result.isComplete()) {
      return result;
    }
    Promise<T> back = Promise.promise();
    result.onComplete(ar -> {
      if (Vertx.currentContext() == caller) {
        back.handle(ar);
      } else {
        caller.runOnContext(v -> back.handle(ar));
      }
    });
    return back.future();
  }

  /**
   * One channel's head as a position: a reader that starts there reads every later event, and a live event
   * after it must be the next sequence number.
   */
  public Future<Cursor.Position> head(String channel) {
    return heads(List.of(channel)).map(h -> h.get(0).position());
  }

  /** The answering node's channel count, publish rate and {@code limit} busiest channels. */
  public Future<HistoryStats> stats(int limit) {
    return requests.<JsonObject>request(addresses.stats(), new StatsRequest(limit).toJson())
        .map(m -> HistoryStats.fromJson(m.body()));
  }

  /**
   * Every event of {@code channel} as the fan-out delivers it: live only, possibly out of order or
   * twice when publishers race. Use {@link #follow} for each event once, in order.
   */
  public MessageConsumer<StoredEvent> consumer(String channel, Handler<StoredEvent> handler) {
    return bus.<StoredEvent>consumer(addresses.channel(channel), m -> handler.handle(m.body()));
  }

  /** Follows {@code channel} in order, each event once ({@link ChannelFollower}); call on a context. */
  public ChannelFollower follow(Vertx vertx, String channel, ChannelFollower.From from,
                                ChannelFollower.Listener listener) {
    return ChannelFollower.follow(vertx, this, channel, from, listener);
  }
}
