package dev.herald.heartbeat;

import dev.herald.heartbeat.api.Session;
import dev.herald.heartbeat.api.SessionPage;
import dev.herald.heartbeat.api.StartResult;
import dev.herald.redis.LuaScript;
import dev.herald.redis.RedisCall;
import dev.herald.redis.RedisCalls;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis {@link PresenceStore}: sessions shared by every node, so any node can beat, stop or purge a
 * session another node started, and a node that dies loses nothing.
 *
 * <p><b>Layout.</b> Sessions are spread over {@value RedisPresenceKeys#SHARDS} shards by a hash of their id,
 * each shard a sorted set by lastSeenAt, a sorted set by id and a hash per session, all under one hash tag
 * ({@link RedisPresenceKeys}). Every change is one Lua script ({@code redis/*.lua}, run by {@code EVALSHA})
 * on one shard, which is one Redis Cluster slot; so it works with a standalone client and with a
 * {@code RedisClientType.CLUSTER} client alike.
 *
 * <p><b>Atomic claims.</b> {@code remove}, {@code depart} and {@code claimExpired} each remove a session in one script that
 * first checks it is there, so of all stops and purges racing on every node exactly one gets each session.
 * A beat ({@code touch}) only updates sessions that are there ({@code ZADD XX GT}): it never brings back a
 * session a claim removed.
 *
 * <p><b>Round trips</b> (requests written together on one connection count once): start 1 (cluster: 2, see
 * below); a batch of beats 1, with at most one script call per shard; remove, get 1; list and count 1 (one
 * call per shard); a purge 2 (the shards' counts, then one claim per shard that has expired sessions), or 1
 * when nothing has expired.
 *
 * <p><b>maxSessions.</b> On standalone Redis the start script counts every shard itself: the bound is exact
 * whatever the number of nodes. On Redis Cluster one script cannot read the other slots, so a node reads the
 * shard sizes first and sends its starts in batches ({@link RedisStartGate}): exact for one node, and
 * approximate across nodes (they may go past the bound together by the starts they have in flight at once).
 *
 * <p><b>Timeouts.</b> Every round trip fails with {@link dev.herald.redis.RedisTimeoutException} after {@code timeoutMs}, so
 * callers answer 503 fast when Redis hangs. A start, stop or claim carries its deadline to Redis, and a
 * script that Redis runs after it (a command held in a connection while Redis hung or the network was cut)
 * changes nothing and fails with {@code LATE}: what timed out is never applied afterwards. Should a reply
 * still come after the timeout (clocks of node and Redis apart), the sessions a stop or purge ended are
 * kept and handed out by this store's next {@link #claimExpired} (their disconnect then says
 * {@code timeout}): still one disconnect per connect.
 *
 * <p><b>The client.</b> It is the caller's: {@link #close()} does not close it. Calls go through
 * {@link RedisCalls}, the transport both Redis stores share: one connection borrowed from the client,
 * pipelined by shard (each shard is one hash slot), on an event-loop context of its own. Safe from any
 * thread; never blocks.
 */
public final class RedisPresenceStore implements PresenceStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisPresenceStore.class);
  /** A presence script from this module's resources ({@code dev/herald/heartbeat/redis/<name>.lua}). */
  static LuaScript script(String name) {
    return LuaScript.load("/dev/herald/heartbeat/redis/", name);
  }

  private static final LuaScript START = script("start");
  private static final LuaScript TOUCH = script("touch");
  private static final LuaScript REMOVE = script("remove");
  private static final LuaScript CLAIM = script("claim");
  private static final LuaScript READ = script("read");
  private static final LuaScript LIST = script("list");
  private static final LuaScript LEAVE = script("leave");
  private static final LuaScript DEPART = script("depart");
  /** The {@link RedisClientLedger}'s script: loaded with the others, so its first use needs no EVAL. */
  static final LuaScript ADMIT = script("admit");
  private static final List<LuaScript> SCRIPTS = List.of(START, TOUCH, REMOVE, CLAIM, READ, LIST, LEAVE, DEPART, ADMIT);

  private final RedisCalls calls;
  private final String name;
  private final RedisPresenceKeys keys;
  private final boolean cluster;
  private final int maxSessions;
  private final RedisStartGate gate;
  /** Sessions ended by a stop or claim whose reply came after its timeout: handed out by the next claim. */
  private final Queue<Session> lateEnds = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;

  /**
   * @param vertx       for the request timers
   * @param redis       a standalone or cluster client, created from {@code store.redis.*}
   * @param cluster     true when {@code redis} is a {@code RedisClientType.CLUSTER} client
   * @param name        the key prefix (config {@code name}, e.g. {@code herald}); no braces
   * @param maxSessions sessions held at most
   * @param timeoutMs   how long one round trip to Redis may take before the call fails
   */
  public RedisPresenceStore(Vertx vertx, Redis redis, boolean cluster, String name, int maxSessions, long timeoutMs) {
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions must be at least 1");
    }
    this.name = name;
    this.keys = new RedisPresenceKeys(name);
    this.calls = new RedisCalls(Objects.requireNonNull(vertx, "vertx"), Objects.requireNonNull(redis, "redis"),
        SCRIPTS, "presence store '" + name + "'", timeoutMs);
    this.cluster = cluster;
    this.maxSessions = maxSessions;
    this.gate = cluster ? new RedisStartGate(calls, keys) : null;
  }

  /**
   * The Redis {@link ClientLedger} beside these sessions: it shares this store's connection, and its script is
   * loaded with the presence scripts.
   */
  public ClientLedger clientLedger() {
    return new RedisClientLedger(calls, name);
  }

  /**
   * Loads the scripts into Redis ({@code SCRIPT LOAD}, one pipeline) and checks Redis answers; optional,
   * since a call whose script Redis does not know sends it again (in a cluster this reaches one node; the
   * others learn each script on first use).
   */
  public Future<Void> loadScripts() {
    return calls.loadScripts().onSuccess(v -> LOG.info("presence scripts loaded into Redis: {}",
        SCRIPTS.stream().map(LuaScript::name).toList()));
  }

  @Override
  public Future<StartResult> start(String sessionId, String userId, JsonObject meta, long now) {
    if (closed) {
      return closedFailure();
    }
    int shard = RedisPresenceKeys.shard(sessionId);
    List<String> scriptKeys = new ArrayList<>(List.of(keys.expiry(shard), keys.ids(shard), keys.session(sessionId),
        keys.leaving(shard)));
    if (!cluster) {
      scriptKeys.addAll(keys.otherExpiries(shard));
    }
    String metaJson = meta == null ? "" : meta.encode();
    String deadline = deadline();
    LongFunction<RedisCall> call = others -> RedisCall.script(START, scriptKeys, List.of(sessionId,
        userId == null ? "0" : "1", userId == null ? "" : userId, metaJson, Long.toString(now),
        Integer.toString(maxSessions), Long.toString(others), deadline));
    Future<Response> reply;
    if (cluster) {
      reply = calls.timed("start", abandoned -> {
        Promise<Response> answer = Promise.promise();
        gate.submit(new RedisStartGate.Pending(shard, call, answer, abandoned));
        return answer.future();
      }, null);
    } else {
      reply = calls.send("start", call.apply(0), null);
    }
    return reply.compose(r -> {
      long state = r.get(0).toLong();
      if (state < 0) {
        return Future.failedFuture(new SessionLimitException(maxSessions));
      }
      return Future.succeededFuture(new StartResult(RedisSessionReplies.session(r, 1), state == 1));
    });
  }

  @Override
  public Future<Beaten> beat(Collection<String> sessionIds, long now) {
    if (closed) {
      return closedFailure();
    }
    if (sessionIds.isEmpty()) {
      return Future.succeededFuture(new Beaten(new HashSet<>(), List.of()));
    }
    Map<Integer, List<String>> byShard = new LinkedHashMap<>();
    for (String id : sessionIds) {
      int shard = RedisPresenceKeys.shard(id);
      byShard.computeIfAbsent(shard, n -> {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(now));
        args.add(keys.sessionPrefix(shard));
        return args;
      }).add(id);
    }
    List<RedisCall> touches = new ArrayList<>(byShard.size());
    byShard.forEach((shard, args) -> touches.add(RedisCall.script(TOUCH, List.of(keys.expiry(shard),
        keys.leaving(shard)), args)));
    return calls.pipelineAll("a batch of beats", touches).map(replies -> {
      Set<String> missing = new HashSet<>();
      List<Session> resumed = new ArrayList<>(0);
      replies.forEach(r -> {
        missing.addAll(RedisSessionReplies.strings(r.get(0)));
        resumed.addAll(RedisSessionReplies.sessions(r.get(1)));
      });
      return new Beaten(missing, resumed);
    });
  }

  @Override
  public Future<Boolean> leave(String sessionId, String token) {
    if (closed) {
      return closedFailure();
    }
    int shard = RedisPresenceKeys.shard(sessionId);
    RedisCall call = RedisCall.script(LEAVE, List.of(keys.expiry(shard), keys.leaving(shard)),
        List.of(sessionId, token));
    return calls.send("leave", call, null).map(r -> r.toLong() == 1);
  }

  @Override
  public Future<Session> depart(String sessionId, String token) {
    if (closed) {
      return closedFailure();
    }
    int shard = RedisPresenceKeys.shard(sessionId);
    RedisCall call = RedisCall.script(DEPART, List.of(keys.expiry(shard), keys.ids(shard), keys.session(sessionId),
        keys.leaving(shard)), List.of(sessionId, token, deadline()));
    return calls.send("depart", call, late -> {
      Session ended = RedisSessionReplies.session(late, 0);
      endedLate(ended == null ? List.of() : List.of(ended));
    }).map(r -> RedisSessionReplies.session(r, 0));
  }

  @Override
  public Future<Session> remove(String sessionId) {
    if (closed) {
      return closedFailure();
    }
    int shard = RedisPresenceKeys.shard(sessionId);
    RedisCall call = RedisCall.script(REMOVE, List.of(keys.expiry(shard), keys.ids(shard), keys.session(sessionId),
        keys.leaving(shard)), List.of(sessionId, deadline()));
    return calls.send("stop", call, late -> {
      Session ended = RedisSessionReplies.session(late, 0);
      endedLate(ended == null ? List.of() : List.of(ended));
    }).map(r -> RedisSessionReplies.session(r, 0));
  }

  @Override
  public Future<List<Session>> claimExpired(long seenBefore, int max) {
    if (closed) {
      return closedFailure();
    }
    List<Session> out = new ArrayList<>();
    Session late;
    while (out.size() < max && (late = lateEnds.poll()) != null) {
      out.add(late);
    }
    if (out.size() >= max) {
      return Future.succeededFuture(out);
    }
    List<RedisCall> counts = new ArrayList<>(RedisPresenceKeys.SHARDS);
    for (int n = 0; n < RedisPresenceKeys.SHARDS; n++) {
      counts.add(RedisCall.keyed("zcount", keys.expiry(n), Request.cmd(Command.ZCOUNT).arg(keys.expiry(n)).arg("-inf")
          .arg("(" + seenBefore)));
    }
    Future<List<Session>> claimed = calls.pipeline("the expired-session count", counts, null)
        .compose(counted -> claim(counted, seenBefore, max - out.size()));
    return claimed.transform(ar -> {
      if (ar.succeeded()) {
        out.addAll(ar.result());
      } else if (out.isEmpty()) {
        return Future.failedFuture(ar.cause());
      }
      return Future.succeededFuture(out);
    });
  }

  /** Claims up to {@code max} sessions, from the shards that have them, starting at a random shard. */
  private Future<List<Session>> claim(List<AsyncResult<Response>> counted, long seenBefore, int max) {
    List<RedisCall> claims = new ArrayList<>();
    int left = max;
    int first = ThreadLocalRandom.current().nextInt(RedisPresenceKeys.SHARDS);
    Throwable countFailure = null;
    String deadline = deadline(); // the claim pipeline's timer starts right after this loop
    for (int i = 0; i < RedisPresenceKeys.SHARDS && left > 0; i++) {
      int shard = (first + i) % RedisPresenceKeys.SHARDS;
      AsyncResult<Response> r = counted.get(shard);
      if (r.failed()) {
        countFailure = r.cause();
        continue;
      }
      int take = (int) Math.min(left, r.result().toLong());
      if (take > 0) {
        claims.add(RedisCall.script(CLAIM, List.of(keys.expiry(shard), keys.ids(shard), keys.leaving(shard)),
            List.of(Long.toString(seenBefore), Integer.toString(take), keys.sessionPrefix(shard), deadline)));
        left -= take;
      }
    }
    if (claims.isEmpty()) {
      return countFailure == null ? Future.succeededFuture(List.of()) : Future.failedFuture(countFailure);
    }

    return calls.pipeline("a purge claim", claims, lateResults -> endedLate(claimedIn(lateResults).sessions))
        .compose(results -> {
          Claimed c = claimedIn(results);
          if (c.sessions.isEmpty() && c.failure != null) {
            return Future.failedFuture(c.failure);
          }
          if (c.failure != null) {
            LOG.warn("purge claim: some shards failed, claimed {} sessions from the others: {}", c.sessions.size(),
                String.valueOf(c.failure));
          }
          return Future.succeededFuture(c.sessions);
        });
  }

  private record Claimed(List<Session> sessions, Throwable failure) {
  }

  private static Claimed claimedIn(List<AsyncResult<Response>> results) {
    List<Session> sessions = new ArrayList<>();
    Throwable failure = null;
    for (AsyncResult<Response> r : results) {
      if (r.succeeded()) {
        sessions.addAll(RedisSessionReplies.sessions(r.result()));
      } else {
        failure = r.cause();
      }
    }
    return new Claimed(sessions, failure);
  }

  private void endedLate(List<Session> sessions) {
    if (!sessions.isEmpty()) {
      lateEnds.addAll(sessions);
      LOG.warn("{} sessions were ended by a Redis reply that came after its timeout: the next purge reports them",
          sessions.size());
    }
  }

  /**
   * The deadline (epoch ms) of a call whose timer starts now, for the scripts that change sessions: run
   * by Redis after it (a command held in a connection while the network was cut), they change nothing.
   */
  private String deadline() {
    return Long.toString(System.currentTimeMillis() + calls.timeoutMs());
  }

  @Override
  public long timeoutMs() {
    return calls.timeoutMs();
  }

  @Override
  public Future<Session> get(String sessionId) {
    if (closed) {
      return closedFailure();
    }
    int shard = RedisPresenceKeys.shard(sessionId);
    RedisCall call = RedisCall.script(READ, List.of(keys.expiry(shard)), List.of(keys.sessionPrefix(shard), sessionId));
    return calls.send("get", call, null).map(r -> RedisSessionReplies.session(r.get(0), 0));
  }

  @Override
  public Future<SessionPage> list(String afterId, int limit) {
    if (closed) {
      return closedFailure();
    }
    if (limit < 1) {
      return Future.failedFuture(new IllegalArgumentException("limit must be at least 1"));
    }
    List<RedisCall> lists = new ArrayList<>(RedisPresenceKeys.SHARDS);
    for (int n = 0; n < RedisPresenceKeys.SHARDS; n++) {
      // limit + 1 from each shard (so up to 16 x (limit + 1) sessions are read): more than limit in all
      // means there is a next page, and each shard's answer is atomic, so no staying session is skipped
      lists.add(RedisCall.script(LIST, List.of(keys.expiry(n), keys.ids(n)),
          List.of(keys.sessionPrefix(n), afterId == null ? "" : afterId, Integer.toString(limit + 1))));
    }
    return calls.pipelineAll("list", lists).map(replies -> {
      List<Session> all = new ArrayList<>();
      replies.forEach(r -> all.addAll(RedisSessionReplies.sessions(r)));
      all.sort(Comparator.comparing(Session::sessionId));
      boolean more = all.size() > limit;
      List<Session> page = more ? new ArrayList<>(all.subList(0, limit)) : all;
      return new SessionPage(page, more ? page.get(limit - 1).sessionId() : null);
    });
  }

  @Override
  public Future<Long> count() {
    if (closed) {
      return closedFailure();
    }
    return calls.pipelineAll("count", shardSizes(keys))
        .map(sizes -> sizes.stream().mapToLong(Response::toLong).sum());
  }

  @Override
  public Future<Void> ping() {
    if (closed) {
      return closedFailure();
    }
    return calls.send("ping", RedisCall.plain("ping", Request.cmd(Command.PING)), null).mapEmpty();
  }

  /** Every later call fails; the Redis client stays open (it is the caller's). */
  @Override
  public Future<Void> close() {
    closed = true;
    return calls.close();
  }

  /** {@code ZCARD} of every shard's expiry set, in shard order. */
  static List<RedisCall> shardSizes(RedisPresenceKeys keys) {
    List<RedisCall> sizes = new ArrayList<>(RedisPresenceKeys.SHARDS);
    for (int n = 0; n < RedisPresenceKeys.SHARDS; n++) {
      sizes.add(RedisCall.keyed("zcard", keys.expiry(n), Request.cmd(Command.ZCARD).arg(keys.expiry(n))));
    }
    return sizes;
  }

  /** Round trips to Redis so far (for the figures in docs/benchmarks.md). */
  long roundTrips() {
    return calls.roundTrips();
  }

  /** Calls sent again as EVAL after Redis answered NOSCRIPT. */
  long scriptReloads() {
    return calls.scriptReloads();
  }

  private static <T> Future<T> closedFailure() {
    return Future.failedFuture(new IllegalStateException("the Redis presence store is closed"));
  }
}
