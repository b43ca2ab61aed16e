package dev.herald.replay.api;

import dev.herald.bus.BusRequests;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Typed client of the replay verticle, for any verticle on any node. Requests go to this node's
 * replay verticle when it runs one, else to another node's, and carry their deadline
 * ({@link BusRequests}): a node that died while serving the address fails the call instead of hanging
 * it, and a publish that arrives after its caller gave up is refused, never stored.
 */
public final class HistoryClient {
  private final BusRequests bus;
  private final HistoryAddresses addresses;

  public HistoryClient(EventBus bus, HistoryAddresses addresses, long timeoutMs) {
    this.bus = new BusRequests(bus, timeoutMs);
    this.addresses = addresses;
  }

  public HistoryAddresses addresses() {
    return addresses;
  }

  public Future<PublishResult> publish(PublishRequest r) {
    return bus.<JsonObject>request(addresses.publish(), HistoryMessages.publish(r))
        .map(m -> HistoryMessages.result(m.body()));
  }

  /** Publishes a batch, all or nothing for validation; the results come in request order. */
  public Future<List<PublishResult>> publishAll(List<PublishRequest> rs) {
    return bus.<JsonObject>request(addresses.publish(), HistoryMessages.publishAll(rs))
        .map(m -> HistoryMessages.results(m.body()));
  }

  /**
   * Reads retained events after {@code after} (an event id covering the channel, or {@code null} for
   * the oldest retained), at most {@code limit}; event data comes back as JSON text.
   */
  public Future<HistoryPage> read(String channel, String after, int limit) {
    return bus.<JsonObject>request(addresses.history(), HistoryMessages.read(channel, after, limit, true))
        .map(m -> HistoryMessages.page(m.body()));
  }

  /**
   * The head of each channel: its current epoch and last sequence number ({@code 0, 0} for a channel
   * the store does not hold), in the order asked; at most {@link HistoryMessages#MAX_HEADS} channels.
   */
  public Future<List<ChannelHead>> heads(List<String> channels) {
    return bus.<JsonObject>request(addresses.heads(), HistoryMessages.heads(channels))
        .map(m -> HistoryMessages.heads(channels, m.body()));
  }
}
