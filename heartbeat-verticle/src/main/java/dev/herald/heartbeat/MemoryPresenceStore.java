package dev.herald.heartbeat;

import dev.herald.heartbeat.api.Session;
import dev.herald.heartbeat.api.SessionPage;
import dev.herald.heartbeat.api.StartResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-memory {@link PresenceStore} (the seed's {@code fakeRedis}): one JVM, no shared state.
 *
 * <p>Sessions live in a {@link ConcurrentSkipListMap} ordered by id, so paging by cursor is a
 * {@code tailMap}. There is no global lock: every change is a compare-and-set on one entry
 * ({@code putIfAbsent}, {@code replace(id, old, new)}, {@code remove(id)}, {@code remove(id, old)}),
 * so each connected session is removed by exactly one of {@link #remove} and {@link #claimExpired},
 * whatever the number of threads racing. The bound on sessions is a counter reserved before a new
 * session is inserted, so the map never holds more than {@code maxSessions}.
 *
 * <p>Sessions are immutable records; the JSON meta is copied on the way in and out, so no caller
 * can change a stored session. Every method answers an already-completed future.
 */
public final class MemoryPresenceStore implements PresenceStore {
  private final int maxSessions;
  private final ConcurrentSkipListMap<String, Session> sessions = new ConcurrentSkipListMap<>();
  /**
   * Leaving marks (id to token). A mark is taken away by one compare-and-remove: by {@link #depart} with
   * its token (which then removes the session), or by a start or a beat (which keep it); whichever does
   * first decides.
   */
  private final ConcurrentHashMap<String, String> leaving = new ConcurrentHashMap<>();
  /** Sessions held plus new ones being inserted; never above maxSessions. */
  private final AtomicInteger reserved = new AtomicInteger();
  private volatile boolean closed;

  public MemoryPresenceStore(int maxSessions) {
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions must be at least 1");
    }
    this.maxSessions = maxSessions;
  }

  @Override
  public Future<StartResult> start(String sessionId, String userId, JsonObject meta, long now) {
    if (closed) {
      return closedFailure();
    }
    JsonObject metaCopy = meta == null ? null : meta.copy();
    leaving.remove(sessionId);
    while (true) {
      Session current = sessions.get(sessionId);
      if (current == null) {
        if (reserved.incrementAndGet() > maxSessions) {
          reserved.decrementAndGet();
          return Future.failedFuture(new SessionLimitException(maxSessions));
        }
        Session created = new Session(sessionId, userId, metaCopy, now, now);
        if (sessions.putIfAbsent(sessionId, created) == null) {
          return Future.succeededFuture(new StartResult(copy(created), false));
        }
        reserved.decrementAndGet(); // another start won the insert: this one is a reconnect
      } else {
        // The owner set at connect stays; meta is replaced only when given.
        Session refreshed = new Session(sessionId, current.userId(), metaCopy == null ? current.meta() : metaCopy,
            current.connectedAt(), Math.max(now, current.lastSeenAt()));
        if (sessions.replace(sessionId, current, refreshed)) {
          return Future.succeededFuture(new StartResult(copy(refreshed), true));
        }
      }
    }
  }

  @Override
  public Future<Beaten> beat(Collection<String> sessionIds, long now) {
    if (closed) {
      return closedFailure();
    }
    Set<String> missing = new HashSet<>();
    List<Session> resumed = new ArrayList<>(0);
    for (String id : sessionIds) {
      while (true) {
        Session current = sessions.get(id);
        if (current == null) {
          missing.add(id);
          break;
        }
        Session seen = current.lastSeenAt() >= now ? current : current.seenAt(now);
        if (seen == current || sessions.replace(id, current, seen)) {
          if (!leaving.isEmpty() && leaving.remove(id) != null) {
            resumed.add(copy(seen));
          }
          break;
        }
      }
    }
    return Future.succeededFuture(new Beaten(missing, resumed));
  }

  @Override
  public Future<Boolean> leave(String sessionId, String token) {
    if (closed) {
      return closedFailure();
    }
    if (!sessions.containsKey(sessionId)) {
      return Future.succeededFuture(false);
    }
    leaving.put(sessionId, token);
    return Future.succeededFuture(true);
  }

  @Override
  public Future<Session> depart(String sessionId, String token) {
    if (closed) {
      return closedFailure();
    }
    if (!leaving.remove(sessionId, token)) {
      return Future.succeededFuture(null);
    }
    return remove(sessionId);
  }

  @Override
  public Future<Session> remove(String sessionId) {
    if (closed) {
      return closedFailure();
    }
    Session removed = sessions.remove(sessionId);
    if (removed != null) {
      reserved.decrementAndGet();
      leaving.remove(sessionId);
    }
    return Future.succeededFuture(copy(removed));
  }

  @Override
  public Future<List<Session>> claimExpired(long seenBefore, int max) {
    if (closed) {
      return closedFailure();
    }
    List<Session> claimed = new ArrayList<>();
    Iterator<Map.Entry<String, Session>> it = sessions.entrySet().iterator();
    while (claimed.size() < max && it.hasNext()) {
      Map.Entry<String, Session> e = it.next();
      Session s = e.getValue();
      // remove(id, s) succeeds only while the entry still holds s: a beat in between keeps the session,
      // and a concurrent remove or claim that got it first makes this one fail.
      if (s.lastSeenAt() < seenBefore && sessions.remove(e.getKey(), s)) {
        reserved.decrementAndGet();
        leaving.remove(e.getKey());
        claimed.add(copy(s));
      }
    }
    return Future.succeededFuture(claimed);
  }

  @Override
  public Future<Session> get(String sessionId) {
    if (closed) {
      return closedFailure();
    }
    return Future.succeededFuture(copy(sessions.get(sessionId)));
  }

  @Override
  public Future<SessionPage> list(String afterId, int limit) {
    if (closed) {
      return closedFailure();
    }
    if (limit < 1) {
      return Future.failedFuture(new IllegalArgumentException("limit must be at least 1"));
    }
    ConcurrentNavigableMap<String, Session> tail = afterId == null ? sessions : sessions.tailMap(afterId, false);
    List<Session> page = new ArrayList<>(Math.min(limit, 1024));
    boolean more = false;
    for (Session s : tail.values()) {
      if (page.size() == limit) {
        more = true;
        break;
      }
      page.add(copy(s));
    }
    String cursor = more ? page.get(page.size() - 1).sessionId() : null;
    return Future.succeededFuture(new SessionPage(page, cursor));
  }

  @Override
  public Future<Long> count() {
    if (closed) {
      return closedFailure();
    }
    return Future.succeededFuture((long) sessions.size());
  }

  @Override
  public Future<Void> ping() {
    return closed ? closedFailure() : Future.succeededFuture();
  }

  /** Closes the store: every later call fails (as a store that cannot be reached). */
  @Override
  public Future<Void> close() {
    closed = true;
    return Future.succeededFuture();
  }

  private static Session copy(Session s) {
    return s == null ? null
        : new Session(s.sessionId(), s.userId(), s.meta().copy(), s.connectedAt(), s.lastSeenAt());
  }

  private static <T> Future<T> closedFailure() {
    return Future.failedFuture(new IllegalStateException("the memory presence store is closed"));
  }
}
