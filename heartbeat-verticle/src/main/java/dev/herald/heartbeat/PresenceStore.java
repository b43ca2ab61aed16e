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
 *   <li><b>Exactly one end per connect.</b> {@link #remove} and {@link #claimExpired} are atomic
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

  /** Marks sessions alive at {@code now}; answers the ids that are not connected (batched beats). */
  Future<Set<String>> touch(Collection<String> sessionIds, long now);

  /** Removes the session if connected; answers it, or {@code null} when it was not connected. */
  Future<Session> remove(String sessionId);

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
