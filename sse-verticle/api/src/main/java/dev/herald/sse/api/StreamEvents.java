package dev.herald.sse.api;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/** Typed listener of every node's stream opens and closes, for any verticle on the event bus. */
public final class StreamEvents {
  private final EventBus bus;
  private final SseAddresses addresses;

  public StreamEvents(EventBus bus, SseAddresses addresses) {
    this.bus = bus;
    this.addresses = addresses;
  }

  /** Called for each stream that opened (got its {@code 200}) on any node. */
  public MessageConsumer<JsonObject> onOpen(Handler<StreamInfo> handler) {
    return bus.<JsonObject>consumer(addresses.connect(), m -> handler.handle(StreamInfo.fromJson(m.body())));
  }

  /** Called for each stream that closed on any node. */
  public MessageConsumer<JsonObject> onClose(Handler<StreamClosed> handler) {
    return bus.<JsonObject>consumer(addresses.disconnect(), m -> handler.handle(StreamClosed.fromJson(m.body())));
  }
}
