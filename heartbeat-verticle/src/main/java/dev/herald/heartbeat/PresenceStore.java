package dev.herald.heartbeat;

import dev.herald.heartbeat.api.Session;
import dev.herald.heartbeat.api.SessionPage;
import dev.herald.heartbeat.api.StartResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Where sessions live: in memory (the embedded default) or in Redis (shared by every node).
 *
 * <p>Contract, checked for every implementation by one test suite:
 * <ul>
 *   <li>A session is <em>connected</em> from its start until it is removed by {@link #remove} or
 *   claimed by {@link #claimExpired}. A session silent for longer than the expiry is still connected
 *   until a purge claims it; a beat before that keeps it.</li>
 *   <li><b>Exactly one end per connect.</b> {@link #remove}, {@link #depart} and {@link #claimExpired} are atomic
 *   claims: whatever their concurrency, across threads or nodes, each connected session is returned
 *   by exactly one of them, once. Only that caller emits its {@code disconnect}.</li>
 *   <li>{@link #start} is atomic too: of concurrent starts of one id that is not connected, exactly
 *   one answers {@code connect}; the others answer {@code reconnect}.</li>
 *   <li>{@link #list} pages by session id: a session that stays connected is on exactly one page
 *   whatever else connects or disconnects meanwhile.</li>
 *   <li>Failures (store unreachable, {@code maxSessions} reached) fail the future and change nothing.</li>
 * </ul>
 * Implementations are safe to call from any thread and never block the caller.
 */
public interface PresenceStore {

  /** Connects the session, or refreshes it when it is connected (reconnect keeps its connectedAt and meta
   *  unless {@code meta} is given). */
  Future<StartResult> start(String sessionId, String userId, JsonObject meta, long now);

  /**
   * Marks sessions alive at {@code now} (batched beats) and clears their {@link #leave leaving} marks;
   * answers the ids that are not connected and the sessions whose mark it cleared.
   */
  Future<Beaten> beat(Collection<String> sessionIds, long now);

  /** What a batch of beats found: the ids not connected, and the connected sessions that were leaving. */
  record Beaten(Set<String> missing, List<Session> resumed) {
  }

  /** Marks sessions alive at {@code now}; answers the ids that are not connected (batched beats). */
  default Future<Set<String>> touch(Collection<String> sessionIds, long now) {
    return beat(sessionIds, now).map(Beaten::missing);
  }

  /** Removes the session if connected; answers it, or {@code null} when it was not connected. */
  Future<Session> remove(String sessionId);

  /**
   * Marks a connected session as leaving (its page went away), under {@code token}; a later mark
   * replaces it, and a {@link #start} or {@link #beat} of the session clears it. Answers whether the
   * session is connected. The session stays connected (and expires as usual).
   */
  Future<Boolean> leave(String sessionId, String token);

  /**
   * Removes the session if it is connected and still leaving under {@code token}: the claim that ends
   * a leave after its grace. Atomic with {@link #remove}, {@link #claimExpired} and the clearing of the
   * mark, so a session still ends exactly once. Answers it, or {@code null}.
   */
  Future<Session> depart(String sessionId, String token);

  /**
   * Claims and removes, atomically, connected sessions last seen before {@code seenBefore}; at most
   * {@code max} of them. Each is answered to exactly one caller cluster-wide.
   */
  Future<List<Session>> claimExpired(long seenBefore, int max);

  /** The session when connected, else {@code null}. */
  Future<Session> get(String sessionId);

  /** Connected sessions with ids after {@code afterId} ({@code null}: from the first), in id order. */
  Future<SessionPage> list(String afterId, int limit);

  /** Connected sessions. */
  Future<Long> count();

  /**
   * How long a call may take before it fails (0: calls complete at once). A start, stop or claim that
   * fails for time is never applied afterwards: the caller may refuse work that would not end in time.
   */
  default long timeoutMs() {
    return 0;
  }

  /** Succeeds when the store answers (readiness). */
  Future<Void> ping();

  Future<Void> close();
}
