package dev.herald.sse;

import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.HistoryClient;
import dev.herald.sse.api.StreamRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a new stream starts in each of its channels, set before its 200 so that the first id it writes
 * covers every channel (G1, docs/architecture.md Flow 2): the position the client's id gives, the
 * channel's start ({@code earliest}), or else the channel's <em>head</em>, its newest event published
 * before the stream. A head comes from the stream's loop when the loop knows it (the last event it
 * delivered to the channel, taken when the stream joined: every later event reaches the stream too), or
 * else from the store, read once the channel's consumer is registered (so every later event comes).
 * Events at or below a head were published before the stream and are not written; the first live event
 * after it must be the next one, else the stream closes and the client resumes from its id.
 *
 * @param resumed       per channel: the client's id (or {@code earliest}) covers it, so its history is replayed
 * @param invalidCursor the client's id could not be read: each channel gets an {@code invalid-cursor} gap
 *                      and starts at its head
 */
record StreamStart(boolean[] resumed, boolean invalidCursor) {

  /**
   * Sets {@code positions} for a stream that resumes after {@code lastEventId} ({@code null}: live only).
   *
   * @param known per channel, the head the loop knew when the stream joined ({@code null}: unknown)
   * @param keep  whether the loop may keep a head read from the store for later streams
   */
  static Future<StreamStart> resolve(String lastEventId, StreamPositions positions, Cursor.Position[] known,
                                     LoopStreams loop, HistoryClient history, boolean keep) {
    int n = known.length;
    boolean[] resumed = new boolean[n];
    boolean invalid = false;
    if (StreamRequest.EARLIEST.equals(lastEventId)) {
      for (int i = 0; i < n; i++) {
        resumed[i] = true;
        positions.startAtBeginning(i);
      }
    } else if (lastEventId != null && !lastEventId.isEmpty()) {
      Cursor.Position[] found = null;
      try {
        found = positions.seed(Cursor.decode(lastEventId));
      } catch (IllegalArgumentException unreadable) {
        invalid = true;
      }
      for (int i = 0; found != null && i < n; i++) {
        resumed[i] = found[i] != null;
      }
    }
    List<Future<?>> reads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      if (resumed[i]) {
        continue;
      }
      if (known[i] != null) {
        positions.startAt(i, known[i]);
      } else {
        reads.add(loop.head(history, positions.channel(i), keep).onSuccess(head -> positions.startAt(index, head)));
      }
    }
    StreamStart start = new StreamStart(resumed, invalid);
    return reads.isEmpty() ? Future.succeededFuture(start) : Future.all(reads).map(start);
  }
}
