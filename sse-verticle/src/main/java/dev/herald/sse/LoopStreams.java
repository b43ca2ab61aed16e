package dev.herald.sse;

import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.HistoryClient;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.StoredEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The streams of one event loop: channel to subscribed streams, every SSE connection (for pings and
 * shutdown) and the loop's topic consumers. Created lazily for each event-loop context that opens a
 * stream; every method runs on that loop, so nothing here is locked.
 *
 * <p>Events reach the loop through an inbox drained by one task at a time. When the loop keeps up,
 * each task finds one event; when it falls behind (a burst, or more deliveries than the cores can
 * write), the events that piled up meanwhile are delivered together: each stream gets all of its new
 * frames of a channel in one write, one socket flush instead of one per event, and streams standing at
 * the same place share the joined bytes ({@link Batch}). So the busier the node, the less each delivery
 * costs, instead of the backlog growing at a fixed cost per event.
 *
 * <p>A stream closing while the loop iterates its streams (an eviction during delivery, say) is
 * removed right after the iteration ({@link #later}).
 */
final class LoopStreams {

  /** One stream's interest in one channel: what the channel's set holds. */
  static final class Subscription extends StreamSet.Member {
    final ChannelStream stream;
    final int index;

    Subscription(ChannelStream stream, int index) {
      this.stream = stream;
      this.index = index;
    }
  }

  private static final class ChannelEntry {
    final StreamSet<Subscription> subs = new StreamSet<>();
    Future<Void> ready;
    /** System.nanoTime() when the node's consumer of the channel was registered; 0 until then. */
    long registeredAt;
    /** The last event delivered to this loop's streams of the channel; null before the first. */
    StoredEvent lastDelivered;
    /** The channel's head as read from the store while nothing was delivered here yet; null when unknown. */
    Cursor.Position readHead;
    /** The head read in flight for streams that joined while the head was unknown; null when none is. */
    Future<Cursor.Position> headRead;
  }

  private final Context context;
  private final Fanout fanout;
  private final SseMetrics metrics;
  private final long pingNanos;
  /** Ping ticks per {@code sse.pingInterval}: a stream silent for that many ticks gets a comment. */
  static final int PING_TICKS = 4;
  private final Map<String, ChannelEntry> channels = new HashMap<>();
  private final StreamSet<SseConnection> connections = new StreamSet<>();
  private final LoopTopics topics;
  private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
  private final Chunks chunks = new Chunks();
  /** History reads of this loop's streams in flight, and those waiting for one of the slots. */
  private int reads;
  private final ArrayDeque<Runnable> waitingReads = new ArrayDeque<>();
  /**
   * At most this many history reads (replay, catch-up) in flight per loop: when thousands of clients
   * resume at once, the store answers a bounded number of reads at a time instead of all of them
   * timing out together (and their clients coming back to try again).
   */
  static final int MAX_READS = 16;
  /** Events posted by the fan-out, not delivered yet; {@link #drainScheduled} while a task will take them. */
  private final Queue<EncodedEvent> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  /** Reused by each drain: the events taken, by channel, in the order of their channels' first events. */
  private final Map<String, List<EncodedEvent>> byChannel = new LinkedHashMap<>();
  /** At most this many events per drain task, so requests and new streams on the loop get their turn. */
  static final int MAX_BATCH = 256;
  private int depth;
  private long pingTimer = -1;

  LoopStreams(Context context, Fanout fanout, SseMetrics metrics, long pingIntervalMs) {
    this.context = context;
    this.fanout = fanout;
    this.metrics = metrics;
    this.pingNanos = TimeUnit.MILLISECONDS.toNanos(pingIntervalMs);
    this.topics = new LoopTopics(this);
  }

  Context context() {
    return context;
  }

  /**
   * Reads a page of {@code channel}'s history for one of this loop's streams (on this loop), once one of
   * the {@link #MAX_READS} slots is free; the page is handed over on this loop.
   */
  Future<HistoryPage> readHistory(HistoryClient history, String channel, String after, int limit) {
    return bounded(() -> history.read(channel, after, limit));
  }

  /** Runs a read of the store once one of the {@link #MAX_READS} slots is free; its result comes on this loop. */
  private <T> Future<T> bounded(Supplier<Future<T>> reader) {
    Promise<T> result = Promise.promise();
    Runnable read = () -> reader.get().onComplete(ar -> onLoop(() -> {
      Runnable next = waitingReads.poll();
      if (next != null) {
        next.run();
      } else {
        reads--;
      }
      result.handle(ar);
    }));
    if (reads < MAX_READS) {
      reads++;
      read.run();
    } else {
      waitingReads.add(read);
    }
    return result.future();
  }

  /** Runs {@code task} now when this is the loop's context, else on it (a store that answered on its own thread). */
  private void onLoop(Runnable task) {
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }

  /**
   * Where a stream that joins {@code channel} now stands, when this loop knows without asking the store:
   * the last event it delivered to the channel's streams (every later one reaches the joining stream too),
   * or a head read since which nothing was delivered. {@code null} when unknown: then {@link #head}.
   * Call it right after {@link #join}, on this loop.
   */
  Cursor.Position knownHead(String channel) {
    ChannelEntry entry = channels.get(channel);
    if (entry == null) {
      return null;
    }
    StoredEvent last = entry.lastDelivered;
    return last != null ? last.position() : entry.readHead;
  }

  /**
   * Reads {@code channel}'s head from the store for streams that joined while {@link #knownHead} was
   * unknown; concurrent reads of one channel on this loop are one read, bounded like history reads.
   * Call it once the channel's consumer is registered ({@link #join}'s future), so every event after the
   * head reaches this loop. With {@code keep}, the result answers {@link #knownHead} from then on, as long
   * as nothing was delivered meanwhile (in a cluster, only once other nodes surely route the channel here).
   */
  Future<Cursor.Position> head(HistoryClient history, String channel, boolean keep) {
    ChannelEntry entry = channels.get(channel);
    if (entry == null) {
      return bounded(() -> history.head(channel));
    }
    if (entry.headRead == null) {
      Future<Cursor.Position> read = bounded(() -> history.head(channel));
      entry.headRead = read;
      read.onComplete(ar -> {
        entry.headRead = null;
        if (ar.succeeded() && keep && entry.lastDelivered == null) {
          entry.readHead = ar.result();
        }
      });
      return read; // a read the store answered at once has already cleared entry.headRead
    }
    return entry.headRead;
  }

  /** This loop's chunk framing, for its streams' connections. */
  Chunks chunks() {
    return chunks;
  }

  LoopTopics topics() {
    return topics;
  }

  /**
   * Adds a stream's interest in a channel; the future completes on this loop once the node fan-out
   * consumes the channel (shared by every stream of the channel on this loop).
   */
  Future<Void> join(String channel, Subscription sub) {
    ChannelEntry entry = channels.get(channel);
    if (entry == null) {
      ChannelEntry created = new ChannelEntry();
      entry = created;
      channels.put(channel, entry);
      entry.ready = fanout.subscribe(channel, this).map(at -> {
        created.registeredAt = at;
        return null;
      });
    }
    entry.subs.add(sub);
    return entry.ready;
  }

  /**
   * When the node's consumer of {@code channel} was registered (System.nanoTime()), or 0 when this loop
   * does not follow it (yet).
   */
  long registeredAt(String channel) {
    ChannelEntry entry = channels.get(channel);
    return entry == null ? 0 : entry.registeredAt;
  }

  /** Removes a stream's interest; the last one of this loop releases the channel at the fan-out. */
  void leave(String channel, Subscription sub) {
    later(() -> {
      ChannelEntry entry = channels.get(channel);
      if (entry != null && entry.subs.remove(sub) && entry.subs.isEmpty()) {
        channels.remove(channel);
        fanout.unsubscribe(channel, this);
      }
    });
  }

  /** Called by the fan-out from its own thread: delivers {@code event} here, on this loop. */
  void post(EncodedEvent event) {
    inbox.add(event);
    if (drainScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> drainInbox());
    }
  }

  /** Delivers what the inbox holds (up to {@link #MAX_BATCH}), per channel in order, then looks again. */
  private void drainInbox() {
    EncodedEvent first = inbox.poll();
    EncodedEvent second = first == null ? null : inbox.poll();
    if (second == null) {
      if (first != null) {
        deliver(first);
      }
    } else {
      group(first);
      group(second);
      EncodedEvent e;
      for (int taken = 2; taken < MAX_BATCH && (e = inbox.poll()) != null; taken++) {
        group(e);
      }
      try {
        for (Map.Entry<String, List<EncodedEvent>> run : byChannel.entrySet()) {
          deliver(run.getKey(), run.getValue());
        }
      } finally {
        byChannel.clear();
      }
    }
    if (inbox.isEmpty()) {
      drainScheduled.set(false);
      // an event posted between the look and the reset found the flag still set: take it now
      if (inbox.isEmpty() || !drainScheduled.compareAndSet(false, true)) {
        return;
      }
    }
    context.runOnContext(v -> drainInbox());
  }

  private void group(EncodedEvent e) {
    byChannel.computeIfAbsent(e.event().channel(), c -> new ArrayList<>(4)).add(e);
  }

  /** Delivers one event to this loop's streams of its channel (on this loop). */
  void deliver(EncodedEvent event) {
    deliver(event.event().channel(), List.of(event));
  }

  /** Delivers {@code events} of {@code channel}, in order, to this loop's streams of it (on this loop). */
  void deliver(String channel, List<EncodedEvent> events) {
    ChannelEntry entry = channels.get(channel);
    if (entry == null) {
      return;
    }
    entry.lastDelivered = events.get(events.size() - 1).event();
    int delivered = 0;
    Batch batch = new Batch(events);
    enter();
    try {
      StreamSet<Subscription> subs = entry.subs;
      for (int i = 0, n = subs.size(); i < n; i++) {
        Subscription sub = subs.get(i);
        delivered += sub.stream.onEvents(sub.index, batch);
      }
    } finally {
      exit();
    }
    metrics.delivered(delivered);
    if (events.size() > 1) {
      metrics.batched(delivered);
    }
  }

  /**
   * Events of one channel delivered together on one loop, and the bytes built for them that streams
   * can share: per event, the last multi-channel frame built; for the batch, the last frames joined for
   * one write. Streams standing where another stood write the very same bytes, built once.
   */
  static final class Batch {
    final List<EncodedEvent> events;
    private final ChannelStream.SharedFrame[] shared;
    private final Buffer[] scratch;
    private Buffer[] lastParts;
    private int lastCount;
    private Buffer lastJoined;

    Batch(List<EncodedEvent> events) {
      this.events = events;
      int n = events.size();
      this.shared = new ChannelStream.SharedFrame[n];
      this.scratch = n == 1 ? null : new Buffer[n];
    }

    int size() {
      return events.size();
    }

    EncodedEvent event(int k) {
      return events.get(k);
    }

    ChannelStream.SharedFrame shared(int k) {
      ChannelStream.SharedFrame s = shared[k];
      if (s == null) {
        s = new ChannelStream.SharedFrame();
        shared[k] = s;
      }
      return s;
    }

    /** Room for one stream's frames of this batch (reused stream after stream). */
    Buffer[] parts() {
      return scratch;
    }

    /** {@code parts[0, count)} as one buffer; the previous stream's when it wrote the same frames. */
    Buffer join(Buffer[] parts, int count) {
      if (count == 1) {
        return parts[0];
      }
      if (count == lastCount && sameParts(parts, count)) {
        return lastJoined;
      }
      lastParts = Arrays.copyOf(parts, count);
      lastCount = count;
      lastJoined = SseFrames.concat(parts, count);
      return lastJoined;
    }

    private boolean sameParts(Buffer[] parts, int count) {
      for (int i = 0; i < count; i++) {
        if (parts[i] != lastParts[i]) {
          return false;
        }
      }
      return true;
    }
  }

  /** Tracks an SSE connection for pings and shutdown. */
  void attach(SseConnection connection) {
    connections.add(connection);
    if (pingTimer < 0) {
      long period = Math.max(5, TimeUnit.NANOSECONDS.toMillis(pingNanos) / PING_TICKS);
      pingTimer = Internals.setPeriodic(context, period, id -> ping());
    }
  }

  void detach(SseConnection connection) {
    later(() -> {
      connections.remove(connection);
      if (connections.isEmpty() && pingTimer >= 0) {
        context.owner().cancelTimer(pingTimer);
        pingTimer = -1;
      }
    });
  }

  /** Closes every stream of this loop. */
  void closeAll(String reason) {
    eachConnection(c -> c.close(reason));
  }

  /**
   * Drains this loop's streams: each gets {@code retry: retryMs + jitter} (jitter up to {@code retryMs})
   * and is ended; the k-th of n closes {@code k/n} of {@code windowMs} from now, so the first goes at
   * once and all are gone within the window. Completes on this loop once every stream it had is closed.
   */
  Future<Void> drain(long windowMs, long retryMs) {
    List<SseConnection> all = new ArrayList<>(connections.size());
    for (int i = 0; i < connections.size(); i++) {
      all.add(connections.get(i));
    }
    int n = all.size();
    if (n == 0) {
      return Future.succeededFuture();
    }
    if (windowMs <= 0) {
      drainUpTo(all, 0, n, retryMs);
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    long began = System.nanoTime();
    long tick = Math.max(10, Math.min(100, windowMs / n));
    int[] next = {drainUpTo(all, 0, 1, retryMs)};
    if (next[0] >= n) {
      return Future.succeededFuture();
    }
    Internals.setPeriodic(context, tick, id -> {
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
      int due = elapsed >= windowMs ? n : (int) Math.min(n, n * elapsed / windowMs + 1);
      next[0] = drainUpTo(all, next[0], due, retryMs);
      if (next[0] >= n) {
        context.owner().cancelTimer(id);
        done.tryComplete();
      }
    });
    return done.future();
  }

  /** Drains {@code all[from, to)}; returns {@code to}. */
  private int drainUpTo(List<SseConnection> all, int from, int to, long retryMs) {
    enter();
    try {
      for (int i = from; i < to; i++) {
        long jitter = retryMs <= 0 ? 0 : ThreadLocalRandom.current().nextLong(retryMs + 1);
        all.get(i).drain(retryMs + jitter);
      }
    } finally {
      exit();
    }
    return to;
  }

  /** Runs {@code action} now, or right after the iteration in progress. */
  void later(Runnable action) {
    if (depth > 0) {
      deferred.add(action);
    } else {
      action.run();
    }
  }

  void enter() {
    depth++;
  }

  void exit() {
    if (--depth == 0) {
      Runnable r;
      while ((r = deferred.poll()) != null) {
        r.run();
      }
    }
  }

  private void ping() {
    eachConnection(c -> c.tick(PING_TICKS));
  }

  void eachConnection(Consumer<SseConnection> action) {
    enter();
    try {
      for (int i = 0, n = connections.size(); i < n; i++) {
        action.accept(connections.get(i));
      }
    } finally {
      exit();
    }
  }
}
