package dev.herald.replay;

import dev.herald.replay.api.ChannelHead;
import dev.herald.replay.api.GapReason;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.StoredEvent;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/** Reads the replies of the history scripts (see the {@code .lua} files for their shapes). */
final class RedisHistoryReplies {

  private RedisHistoryReplies() {
  }

  /** A stream entry {@code [<seq>-0, [t, <ms>, d, <data>, e?, <name>, k?, <key>]]} as an event. */
  static StoredEvent entry(String channel, long epoch, Response entry) {
    String id = entry.get(0).toString();
    long seq = seq(id);
    Response fields = entry.get(1);
    String event = null;
    String data = null;
    long time = 0;
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      String name = fields.get(i).toString();
      Response value = fields.get(i + 1);
      switch (name) {
        case "t" -> time = Long.parseLong(value.toString());
        case "d" -> data = value.toString();
        case "e" -> event = value.toString();
        default -> {
          // k: the idempotency key, not part of the event
        }
      }
    }
    if (data == null) {
      throw new IllegalStateException("history entry " + id + " of channel " + channel + " has no data");
    }
    return new StoredEvent(channel, epoch, seq, event, data, time);
  }

  /** The reply of {@code HMGET <meta> epoch seq}: the channel's head, {@code 0, 0} when it has no meta. */
  static ChannelHead head(String channel, Response reply) {
    Response epoch = reply.get(0);
    Response seq = reply.get(1);
    if (epoch == null || seq == null) {
      return new ChannelHead(channel, 0, 0);
    }
    return new ChannelHead(channel, Long.parseLong(epoch.toString()), Long.parseLong(seq.toString()));
  }

  /** The sequence number of a {@code <seq>-0} stream id. */
  static long seq(String id) {
    int dash = id.indexOf('-');
    return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
  }

  /** The reply of read.lua: {@code [epoch, gap, more, entries]}. */
  static HistoryPage page(String channel, Response reply) {
    long epoch = Long.parseLong(reply.get(0).toString());
    String gap = reply.get(1).toString();
    boolean more = reply.get(2).toLong() == 1;
    Response entries = reply.get(3);
    List<StoredEvent> events = new ArrayList<>(entries == null ? 0 : entries.size());
    if (entries != null) {
      for (Response e : entries) {
        events.add(entry(channel, epoch, e));
      }
    }
    return new HistoryPage(channel, epoch, List.copyOf(events), gap.isEmpty() ? null : GapReason.fromWire(gap), more);
  }
}
