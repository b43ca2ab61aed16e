package dev.herald.replay.api;

/**
 * One event to publish.
 *
 * @param channel        a valid channel name ({@link Names})
 * @param event          the event name, or {@code null}
 * @param data           the data as JSON text (any JSON value)
 * @param idempotencyKey optional; the same key and the same event again answer with the first id
 */
public record PublishRequest(String channel, String event, String data, String idempotencyKey) {
}
