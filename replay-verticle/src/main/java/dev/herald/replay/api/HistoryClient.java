package dev.herald.replay.api;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Typed client of the replay verticle, for any verticle on any node. Every request has a timeout, so
 * a node that died while serving the address fails the call instead of hanging it.
 */
public final class HistoryClient {
  private final EventBus bus;
  private final HistoryAddresses addresses;
  private final DeliveryOptions options;

  public HistoryClient(EventBus bus, HistoryAddresses addresses, long timeoutMs) {
    this.bus = bus;
    this.addresses = addresses;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public HistoryAddresses addresses() {
    return addresses;
  }

  public Future<PublishResult> publish(PublishRequest r) {
    return bus.<JsonObject>request(addresses.publish(), HistoryMessages.publish(r), options)
        .map(m -> HistoryMessages.result(m.body()));
  }

  /** Publishes a batch, all or nothing for validation; the results come in request order. */
  public Future<List<PublishResult>> publishAll(List<PublishRequest> rs) {
    return bus.<JsonObject>request(addresses.publish(), HistoryMessages.publishAll(rs), options)
        .map(m -> HistoryMessages.results(m.body()));
  }

  /**
   * Reads retained events after {@code after} (an event id covering the channel, or {@code null} for
   * the oldest retained), at most {@code limit}; event data comes back as JSON text.
   */
  public Future<HistoryPage> read(String channel, String after, int limit) {
    return bus.<JsonObject>request(addresses.history(), HistoryMessages.read(channel, after, limit, true), options)
        .map(m -> HistoryMessages.page(m.body()));
  }

  /**
   * The channel's head: the position of its newest event (epoch, sequence number, publish time in
   * seconds), or epoch and sequence number 0 when the channel does not exist. A reader that starts there
   * reads every later event; a live event after it must be the next sequence number.
   */
  public Future<Cursor.Position> head(String channel) {
    return bus.<JsonObject>request(addresses.head(), HistoryMessages.head(channel), options)
        .map(m -> HistoryMessages.head(channel, m.body()));
  }
}
