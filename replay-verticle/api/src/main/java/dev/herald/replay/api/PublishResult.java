package dev.herald.replay.api;

import io.vertx.core.json.JsonObject;

/**
 * A stored event's place in its channel, as a publish answers it:
 * {@code {channel, id, epoch, seq, publishedAt, duplicate}} ({@code publishedAt} in epoch milliseconds).
 *
 * @param duplicate true when an idempotency key matched an earlier identical publish: nothing new was stored
 */
public record PublishResult(String channel, String id, long epoch, long seq, long publishedAt, boolean duplicate) {

  /** The result of publishing {@code e} ({@code duplicate}: it is an earlier event the key matched). */
  public static PublishResult of(StoredEvent e, boolean duplicate) {
    return new PublishResult(e.channel(), e.id(), e.epoch(), e.seq(), e.publishedAt(), duplicate);
  }

  public JsonObject toJson() {
    return new JsonObject().put("channel", channel).put("id", id).put("epoch", epoch).put("seq", seq)
        .put("publishedAt", publishedAt).put("duplicate", duplicate);
  }

  public static PublishResult fromJson(JsonObject o) {
    return new PublishResult(o.getString("channel"), o.getString("id"), o.getLong("epoch"), o.getLong("seq"),
        o.getLong("publishedAt"), o.getBoolean("duplicate", false));
  }
}
