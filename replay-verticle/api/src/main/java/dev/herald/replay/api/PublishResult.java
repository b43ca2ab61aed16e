package dev.herald.replay.api;

/**
 * A stored event's place in its channel.
 *
 * @param duplicate true when an idempotency key matched an earlier identical publish: nothing new was stored
 */
public record PublishResult(String channel, String id, long epoch, long seq, long publishedAt, boolean duplicate) {
}
