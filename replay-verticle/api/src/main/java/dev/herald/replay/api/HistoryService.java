package dev.herald.replay.api;

import io.vertx.core.Future;

/**
 * The replay verticle's work as the clients of its own Vert.x call it directly, without a message
 * (dev.herald.bus.LocalServices): what {@code herald.publish}, {@code herald.history} and
 * {@code herald.history.heads} do, with the same checks, the same deadline rule and the same failures
 * (a {@link io.vertx.core.eventbus.ReplyException} with a {@link HistoryFailure} code). {@link HistoryClient}
 * uses it when its node runs the replay role; other nodes' clients send messages. Safe to call from any
 * thread; never blocks.
 */
public interface HistoryService {
  /** Stores and fans out {@code message}'s events, as {@code herald.publish}; {@code deadline} in epoch ms. */
  Future<PublishReply> publish(PublishMessage message, long deadline);

  /** Reads history as {@code herald.history}; event data comes back as JSON text. */
  Future<HistoryPage> read(HistoryRequest request, long deadline);

  /** Where channels stand, as {@code herald.history.heads}. */
  Future<HeadsReply> heads(HeadsRequest request, long deadline);
}
