package dev.herald.sse;

import dev.herald.sse.api.StreamInfo;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A stream that relays event-bus messages as SSE events without ids (the presence stream): same
 * headers, first bytes, pings and eviction as a channel stream; live from the 200 on.
 */
final class TopicStream implements SseConnection.Owner {
  private final NodeStreams node;
  private final LoopStreams loop;
  private final SseConnection connection;
  private final List<LoopTopics.TopicSubscription> subs = new ArrayList<>();
  private final Map<String, String> events;
  private final long expiresAt;
  private long expiryTimer = -1;
  private boolean live;
  private boolean closed;
  private StreamInfo info;

  /** @param expiresAt when the caller's token expires (epoch ms): the stream then ends; 0 for never */
  TopicStream(NodeStreams node, LoopStreams loop, SseConnection connection, Map<String, String> events,
              long expiresAt) {
    this.node = node;
    this.loop = loop;
    this.connection = connection;
    this.events = Map.copyOf(events);
    this.expiresAt = expiresAt;
  }

  void open() {
    connection.bind(this);
    loop.attach(connection);
    List<Future<Void>> ready = new ArrayList<>(events.size());
    events.forEach((address, event) -> {
      LoopTopics.TopicSubscription sub = new LoopTopics.TopicSubscription(this, LoopTopics.key(address, event));
      subs.add(sub);
      ready.add(loop.topics().join(address, event, sub));
    });
    Future.all(ready).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        connection.refuse(503, Problems.UNAVAILABLE, "Service unavailable",
            "The stream could not subscribe: " + ar.cause().getMessage(), SseConnection.UNAVAILABLE);
        return;
      }
      connection.start(node.prelude());
      if (!connection.isClosed()) {
        live = true;
        info = node.opened(connection.remoteAddress(), List.of(), null, null);
        if (expiresAt > 0) {
          expiryTimer = Internals.setTimer(loop.context(), Math.max(1, expiresAt - System.currentTimeMillis()),
              id -> connection.expire(SseFrames.EXPIRED));
        }
      }
    });
  }

  void relay(Buffer frame) {
    if (live) {
      connection.write(frame);
    }
  }

  @Override
  public void closed(String reason) {
    closed = true;
    live = false;
    if (expiryTimer >= 0) {
      loop.context().owner().cancelTimer(expiryTimer);
    }
    for (LoopTopics.TopicSubscription sub : subs) {
      loop.topics().leave(sub);
    }
    loop.detach(connection);
    node.released(info, reason);
  }
}
