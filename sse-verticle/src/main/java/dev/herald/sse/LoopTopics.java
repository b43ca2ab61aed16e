package dev.herald.sse;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.Json;
import java.util.HashMap;
import java.util.Map;

/**
 * The topic consumers of one loop: for each (address, event name) that topic streams of this loop
 * relay, one event-bus consumer shared by those streams. Each message is encoded once per loop and the
 * same frame written to every stream. Loop only.
 */
final class LoopTopics {

  /** One topic stream's interest in one (address, event name). */
  static final class TopicSubscription extends StreamSet.Member {
    final TopicStream stream;
    final String key;

    TopicSubscription(TopicStream stream, String key) {
      this.stream = stream;
      this.key = key;
    }
  }

  private final class Entry {
    final String event;
    final StreamSet<TopicSubscription> subs = new StreamSet<>();
    final MessageConsumer<Object> consumer;

    Entry(String address, String event) {
      this.event = event;
      this.consumer = loop.context().owner().eventBus().consumer(address, m -> relay(this, m.body()));
    }
  }

  private final LoopStreams loop;
  private final Map<String, Entry> entries = new HashMap<>();

  LoopTopics(LoopStreams loop) {
    this.loop = loop;
  }

  /** Adds a stream's interest; completes once the consumer is registered. */
  Future<Void> join(String address, String event, TopicSubscription sub) {
    Entry entry = entries.get(sub.key);
    if (entry == null) {
      entry = new Entry(address, event);
      entries.put(sub.key, entry);
    }
    entry.subs.add(sub);
    return entry.consumer.completion();
  }

  void leave(TopicSubscription sub) {
    loop.later(() -> {
      Entry entry = entries.get(sub.key);
      if (entry != null && entry.subs.remove(sub) && entry.subs.isEmpty()) {
        entries.remove(sub.key);
        entry.consumer.unregister();
      }
    });
  }

  static String key(String address, String event) {
    return address + '\n' + event;
  }

  private void relay(Entry entry, Object body) {
    String json = body instanceof Buffer b ? b.toString() : Json.encode(body);
    Buffer frame = SseFrames.body(entry.event, json);
    loop.enter();
    try {
      for (int i = 0, n = entry.subs.size(); i < n; i++) {
        entry.subs.get(i).stream.relay(frame);
      }
    } finally {
      loop.exit();
    }
  }
}
