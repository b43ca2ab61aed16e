package dev.herald.heartbeat;

import dev.herald.heartbeat.api.Session;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link ClientLedger} of one process (memory stores): exact, since every end of a session passes
 * through this process ({@link #ended}); so it holds only connected sessions. Synchronized: starts are rare
 * next to beats, and each call is a few map operations.
 */
public final class MemoryClientLedger implements ClientLedger {
  private final Map<String, Map<String, Long>> byClient = new HashMap<>();
  private final Map<String, String> clientOf = new HashMap<>();

  @Override
  public synchronized Future<List<String>> admit(String client, String sessionId, int max, long now,
                                                 long staleBefore) {
    Map<String, Long> held = byClient.computeIfAbsent(client, c -> new LinkedHashMap<>());
    if (held.containsKey(sessionId) || held.size() < max) {
      held.put(sessionId, now);
      String before = clientOf.put(sessionId, client);
      if (before != null && !before.equals(client)) {
        forget(before, sessionId);
      }
      return Future.succeededFuture(null);
    }
    List<String> stale = new ArrayList<>();
    held.forEach((id, seen) -> {
      if (seen < staleBefore && stale.size() < max) {
        stale.add(id);
      }
    });
    return Future.succeededFuture(stale);
  }

  @Override
  public synchronized Future<Void> settle(String client, List<String> alive, List<String> gone, long now) {
    Map<String, Long> held = byClient.get(client);
    if (held != null) {
      alive.forEach(id -> held.replace(id, now));
    }
    gone.forEach(id -> {
      forget(client, id);
      clientOf.remove(id, client);
    });
    return Future.succeededFuture();
  }

  @Override
  public synchronized void ended(Session session) {
    String client = clientOf.remove(session.sessionId());
    if (client != null) {
      forget(client, session.sessionId());
    }
  }

  /** Sessions {@code client} holds (tests). */
  synchronized int held(String client) {
    Map<String, Long> held = byClient.get(client);
    return held == null ? 0 : held.size();
  }

  private void forget(String client, String sessionId) {
    Map<String, Long> held = byClient.get(client);
    if (held != null && held.remove(sessionId) != null && held.isEmpty()) {
      byClient.remove(client);
    }
  }
}
