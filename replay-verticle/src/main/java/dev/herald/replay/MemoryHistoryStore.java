package dev.herald.replay;

import dev.herald.replay.api.ChannelHead;
import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.GapReason;
import dev.herald.replay.api.HistoryOptions;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.Names;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.StoredEvent;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory {@link HistoryStore} of a single node (the embedded default, README.md#configuration
 * {@code store.type=memory}). Every operation runs under one lock and completes before it returns,
 * so appends are atomic and never block for long: work per call is bounded by the batch size and
 * {@code history.maxEvents}. Events past {@code history.maxAge} and channels idle for
 * {@code history.idleChannelTtl} are dropped lazily when touched and by {@link #expire()}.
 */
public final class MemoryHistoryStore implements HistoryStore {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryHistoryStore.class);
  private static final long FULL_SWEEP_INTERVAL_MS = 1000;

  private final HistoryOptions options;
  private final LongSupplier clock;
  private final long maxAgeMs;
  private final long idleMs;
  private final Map<String, Channel> channels = new HashMap<>();
  /** Channels held whose names are reserved ({@code herald.*}: the readiness canary), left out of the count. */
  private int reserved;
  private long nextFullSweep = Long.MIN_VALUE;
  private boolean closed;

  public MemoryHistoryStore(HistoryOptions options) {
    this(options, System::currentTimeMillis);
  }

  /** A store reading time (epoch milliseconds) from {@code clock}; for tests. */
  public MemoryHistoryStore(HistoryOptions options, LongSupplier clock) {
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxAgeMs = options.maxAge().toMillis();
    this.idleMs = options.idleChannelTtl().toMillis();
  }

  @Override
  public Future<Appended> append(PublishRequest request) {
    return appendAll(List.of(request)).map(l -> l.get(0));
  }

  @Override
  public synchronized Future<List<Appended>> appendAll(List<PublishRequest> requests) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the history store is closed"));
    }
    long now = clock.getAsLong();
    String full = checkRoom(requests, now);
    if (full != null) {
      return Future.failedFuture(new IllegalStateException(full));
    }
    List<Appended> conflicts = conflicts(requests, now);
    if (conflicts != null) {
      return Future.succeededFuture(conflicts);
    }
    List<Appended> out = new ArrayList<>(requests.size());
    for (PublishRequest r : requests) {
      out.add(appendOne(r, now));
    }
    return Future.succeededFuture(out);
  }

  /** Null when every channel of the batch fits under {@code maxChannels}, else why not. */
  private String checkRoom(List<PublishRequest> requests, long now) {
    Set<String> fresh = null;
    for (PublishRequest r : requests) {
      if (live(r.channel(), now) == null) {
        if (fresh == null) {
          fresh = new HashSet<>();
        }
        fresh.add(r.channel());
      }
    }
    if (fresh == null || channels.size() + fresh.size() <= options.maxChannels()) {
      return null;
    }
    if (now >= nextFullSweep || nextFullSweep - now > FULL_SWEEP_INTERVAL_MS) {
      nextFullSweep = now + FULL_SWEEP_INTERVAL_MS;
      int removed = removeIdle(now);
      LOG.debug("history at its channel bound: swept {} idle channels", removed);
    }
    if (channels.size() + fresh.size() <= options.maxChannels()) {
      return null;
    }
    return "it holds its maximum of " + options.maxChannels() + " channels (history.maxChannels)";
  }

  /**
   * Checks every idempotency key of the batch against retained events and earlier items; null when
   * none conflicts, else the batch's answer (nothing stored).
   */
  private List<Appended> conflicts(List<PublishRequest> requests, long now) {
    return BatchConflicts.find(requests, (channel, key) -> {
      Channel c = channels.get(channel);
      if (c == null) {
        return null;
      }
      c.dropAged(now, maxAgeMs);
      Entry first = c.keys.get(key);
      return first == null ? null : first.event();
    });
  }

  private Appended appendOne(PublishRequest r, long now) {
    Channel c = live(r.channel(), now);
    if (c == null) {
      c = new Channel(ThreadLocalRandom.current().nextLong(1, 1L << 48));
      channels.put(r.channel(), c);
      if (Names.isReserved(r.channel())) {
        reserved++;
      }
    }
    c.dropAged(now, maxAgeMs);
    String key = r.idempotencyKey();
    if (key != null) {
      Entry first = c.keys.get(key);
      if (first != null) {
        // the pre-check guarantees equality here
        return BatchConflicts.same(first.event().event(), first.event().data(), r) ? new Appended(Outcome.DUPLICATE, first.event()) : new Appended(Outcome.CONFLICT, null);
      }
    }
    StoredEvent e = new StoredEvent(r.channel(), c.epoch, c.nextSeq++, r.event(), r.data(), now);
    Entry entry = new Entry(e, key);
    c.events.addLast(entry);
    if (key != null) {
      c.keys.put(key, entry);
    }
    c.lastPublish = now;
    while (c.events.size() > options.maxEvents()) {
      c.drop(GapReason.TRIMMED);
    }
    return new Appended(Outcome.STORED, e);
  }

  @Override
  public synchronized Future<HistoryPage> read(String channel, Cursor.Position after, int limit) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the history store is closed"));
    }
    if (limit < 1) {
      return Future.failedFuture(new IllegalArgumentException("limit must be at least 1"));
    }
    long now = clock.getAsLong();
    Channel c = live(channel, now);
    if (c == null) {
      return Future.succeededFuture(new HistoryPage(channel, 0, List.of(), after == null ? null : lost(after, now), false));
    }
    c.dropAged(now, maxAgeMs);
    long oldest = c.oldestSeq();
    long newest = c.nextSeq - 1;
    GapReason gap = null;
    long from = oldest;
    if (after != null) {
      if (after.epoch() != c.epoch) {
        gap = lost(after, now);
      } else if (after.seq() > newest) {
        return Future.succeededFuture(new HistoryPage(channel, c.epoch, List.of(), GapReason.INVALID_CURSOR, false));
      } else if (after.seq() < oldest - 1) {
        gap = c.lastTrim == null ? GapReason.TRIMMED : c.lastTrim;
      } else {
        from = after.seq() + 1;
      }
    }
    List<StoredEvent> events = c.slice(from, limit);
    boolean more = !events.isEmpty() && events.get(events.size() - 1).seq() < newest;
    return Future.succeededFuture(new HistoryPage(channel, c.epoch, events, gap, more));
  }

  @Override
  public synchronized Future<List<ChannelHead>> heads(List<String> names) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the history store is closed"));
    }
    long now = clock.getAsLong();
    List<ChannelHead> out = new ArrayList<>(names.size());
    for (String name : names) {
      Channel c = live(name, now);
      out.add(c == null ? ChannelHead.none(name) : new ChannelHead(name, c.epoch, c.nextSeq - 1, c.lastPublish / 1000));
    }
    return Future.succeededFuture(out);
  }

  /** The gap of a cursor whose channel epoch is gone: removed for idleness or lost by the store. */
  private GapReason lost(Cursor.Position after, long now) {
    return now - after.timeSec() * 1000 >= idleMs ? GapReason.EXPIRED : GapReason.RESET;
  }

  /** The channel, or null when it does not exist or has been idle too long (then it is removed). */
  private Channel live(String name, long now) {
    Channel c = channels.get(name);
    if (c != null && now - c.lastPublish >= idleMs) {
      channels.remove(name);
      forgot(name);
      LOG.debug("history channel {} removed after {} ms idle", name, now - c.lastPublish);
      return null;
    }
    return c;
  }

  private int removeIdle(long now) {
    int removed = 0;
    for (Iterator<Map.Entry<String, Channel>> i = channels.entrySet().iterator(); i.hasNext(); ) {
      Map.Entry<String, Channel> e = i.next();
      Channel c = e.getValue();
      if (now - c.lastPublish >= idleMs) {
        i.remove();
        forgot(e.getKey());
        removed++;
      } else {
        c.dropAged(now, maxAgeMs);
      }
    }
    return removed;
  }

  @Override
  public synchronized Future<Integer> expire() {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the history store is closed"));
    }
    return Future.succeededFuture(removeIdle(clock.getAsLong()));
  }

  /** Channels held, Herald's own ({@code herald.*}) left out. */
  @Override
  public synchronized Future<Long> channelCount() {
    return Future.succeededFuture((long) channels.size() - reserved);
  }

  private void forgot(String channel) {
    if (Names.isReserved(channel)) {
      reserved--;
    }
  }

  @Override
  public boolean answersInProcess() {
    return true;
  }

  @Override
  public synchronized Future<Void> ping() {
    return closed ? Future.failedFuture(new IllegalStateException("the history store is closed")) : Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> close() {
    closed = true;
    channels.clear();
    reserved = 0;
    return Future.succeededFuture();
  }

  /** A retained event and the idempotency key it was published with (or null). */
  private record Entry(StoredEvent event, String key) {
  }

  /** One channel: its epoch, next sequence number, retained events and live idempotency keys. */
  private static final class Channel {
    final long epoch;
    final ArrayDeque<Entry> events = new ArrayDeque<>();
    final Map<String, Entry> keys = new HashMap<>(4);
    long nextSeq = 1;
    long lastPublish;
    GapReason lastTrim;

    Channel(long epoch) {
      this.epoch = epoch;
    }

    long oldestSeq() {
      return events.isEmpty() ? nextSeq : events.peekFirst().event().seq();
    }

    void drop(GapReason why) {
      Entry e = events.pollFirst();
      if (e.key() != null) {
        keys.remove(e.key(), e);
      }
      lastTrim = why;
    }

    void dropAged(long now, long maxAgeMs) {
      while (!events.isEmpty() && now - events.peekFirst().event().publishedAt() >= maxAgeMs) {
        drop(GapReason.EXPIRED);
      }
    }

    /** At most {@code limit} events from sequence number {@code from} on, walking from the nearer end. */
    List<StoredEvent> slice(long from, int limit) {
      long oldest = oldestSeq();
      long newest = nextSeq - 1;
      if (events.isEmpty() || from > newest) {
        return List.of();
      }
      from = Math.max(from, oldest);
      int count = (int) Math.min(limit, newest - from + 1);
      long skipFront = from - oldest;
      long skipBack = newest - (from + count - 1);
      StoredEvent[] out = new StoredEvent[count];
      if (skipFront <= skipBack) {
        Iterator<Entry> it = events.iterator();
        for (long i = 0; i < skipFront; i++) {
          it.next();
        }
        for (int i = 0; i < count; i++) {
          out[i] = it.next().event();
        }
      } else {
        Iterator<Entry> it = events.descendingIterator();
        for (long i = 0; i < skipBack; i++) {
          it.next();
        }
        for (int i = count - 1; i >= 0; i--) {
          out[i] = it.next().event();
        }
      }
      return List.of(out);
    }
  }
}
