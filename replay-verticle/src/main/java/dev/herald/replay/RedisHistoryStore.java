package dev.herald.replay;

import dev.herald.redis.LuaScript;
import dev.herald.redis.RedisCall;
import dev.herald.redis.RedisCalls;
import dev.herald.replay.api.ChannelHead;
import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.HistoryOptions;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.Names;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.StoredEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The Redis {@link HistoryStore} (README.md#configuration {@code store.type=redis}), shared by every node.
 *
 * <p><b>Layout</b> ({@link RedisHistoryKeys}): per channel a meta hash (epoch, last sequence number,
 * last publish, reason of the newest trim), a stream of events with ids {@code <seq>-0} and an
 * idempotency-key hash, all hash-tagged with the channel, plus one sorted set indexing channels by
 * their last publish. The atomic steps are Lua scripts kept as resources
 * ({@code dev/herald/replay/redis/*.lua}), run by {@code EVALSHA}:
 * <ul>
 *   <li>{@code append.lua}: one publish — next sequence number, append, trim to exactly
 *   {@code maxEvents} and drop events older than {@code maxAge} (Redis {@code TIME}, so every node
 *   agrees), {@code PEXPIRE idleChannelTtl} on every key of the channel, the idempotency key. A
 *   publish is one round trip: the script plus two commands on the channel index in the same
 *   pipeline.</li>
 *   <li>{@code read.lua}: the memory store's gap rules in one round trip.</li>
 *   <li>{@code hold.lua} and {@code release.lua}: a batch's idempotency keys held before its appends and
 *   given back when it is refused ({@link RedisBatchHolds}).</li>
 *   <li>heads: {@code HMGET} of each channel's meta hash (epoch, seq, last publish), pipelined.</li>
 * </ul>
 *
 * <p><b>Epochs</b>: a channel gets a new epoch from Redis time (16 µs units since 2020) when it is
 * created, so a channel whose data Redis lost (restart without persistence, {@code FLUSHALL}, idle
 * expiry, eviction) starts again at sequence number 1 in an epoch it never had, and readers of the
 * old one get {@code reset} (or {@code expired}).
 *
 * <p><b>Batches</b> ({@link #appendAll}) are one pipeline of scripts. When any item has an
 * idempotency key (or the batch may pass {@code maxChannels}), a pipeline that holds the batch's keys runs
 * first ({@link RedisBatchHolds}): a key that conflicts, or that another batch holds at that moment,
 * stores nothing of the batch; otherwise no other publish can take one of its keys before its appends.
 * So a batch is all or nothing for conflicts, across nodes too, as {@link HistoryStore#appendAll} says.
 *
 * <p><b>maxChannels</b> is enforced approximately across nodes: the index counts channels published
 * within {@code idleChannelTtl} (refreshed by every publish), and a publish that would create a
 * channel is refused while that count is at the bound. Redis's memory limit is the hard bound:
 * run it with {@code maxmemory-policy noeviction} so that a full Redis refuses writes (503) instead of
 * evicting history keys.
 *
 * <p><b>Failures</b>: every call fails after {@code timeoutMs} with a
 * {@link dev.herald.redis.RedisTimeoutException} when Redis does not answer (a hung or paused Redis, a cut
 * network), or at once when it is unreachable. An append that timed out is never applied afterwards: its
 * script carries the call's deadline and stores nothing when Redis runs it later (after a pause, or when a
 * cut network heals and the command arrives at last); only an answer lost on its way back leaves an append
 * stored that timed out. Calls go through {@link RedisCalls} (one connection, pipelined by channel, on an
 * event-loop context of its own) and complete on the caller's context; the store never blocks.
 */
public final class RedisHistoryStore implements HistoryStore {
  /** A sensible request timeout for production (ms). */
  public static final long DEFAULT_TIMEOUT_MS = 2000;
  /** Where the history scripts are; {@code lib.lua} goes in front of each. */
  private static final String SCRIPTS = "/dev/herald/replay/redis/";
  private static final LuaScript APPEND = LuaScript.load(SCRIPTS, "append", "lib");
  private static final LuaScript READ = LuaScript.load(SCRIPTS, "read", "lib");

  private final RedisCalls calls;
  private final RedisBatchHolds holds;
  private final RedisHistoryKeys keys;
  private final HistoryOptions options;
  private final long idleMs;
  private final String maxEvents;
  private final String maxAge;
  private final String idle;
  /** Live channels in the whole store at the last count (every publish counts them). */
  private volatile long knownChannels;

  /**
   * @param vertx     the Vert.x instance of the client
   * @param redis     the launcher's client (standalone or cluster); the store borrows one connection
   *                  and never closes the client
   * @param prefix    the key prefix (config {@code name}, default {@code herald})
   * @param options   the history limits
   * @param timeoutMs how long a call waits for Redis before it fails
   */
  public RedisHistoryStore(Vertx vertx, Redis redis, String prefix, HistoryOptions options, long timeoutMs) {
    this.keys = new RedisHistoryKeys(prefix);
    this.options = Objects.requireNonNull(options, "options");
    this.calls = new RedisCalls(vertx, redis, List.of(APPEND, READ, RedisBatchHolds.HOLD, RedisBatchHolds.RELEASE),
        "history store " + prefix, timeoutMs);
    this.idleMs = options.idleChannelTtl().toMillis();
    this.maxEvents = Integer.toString(options.maxEvents());
    this.maxAge = Long.toString(options.maxAge().toMillis());
    this.idle = Long.toString(idleMs);
    this.holds = new RedisBatchHolds(calls, keys, maxAge, idle, options.maxChannels(), this::countLive,
        live -> knownChannels = live);
  }

  @Override
  public Future<Appended> append(PublishRequest request) {
    long deadline = deadline();
    return calls.timed("a publish", cancelled -> appendPass(List.of(request), knownChannels < options.maxChannels(),
        "", cancelled, deadline).map(l -> l.get(0)), null);
  }

  @Override
  public Future<List<Appended>> appendAll(List<PublishRequest> requests) {
    if (requests.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    if (requests.size() == 1) {
      return append(requests.get(0)).map(List::of);
    }
    long deadline = deadline();
    return calls.timed("a batch publish", cancelled -> {
      Set<String> channels = channelsOf(requests);
      boolean keyed = requests.stream().anyMatch(r -> r.idempotencyKey() != null);
      boolean nearBound = knownChannels + channels.size() > options.maxChannels();
      if (!keyed && !nearBound) {
        return appendPass(requests, true, "", cancelled, deadline);
      }
      String token = RedisBatchHolds.newToken();
      return holds.hold(requests, channels, nearBound, token, cancelled).compose(refused -> refused != null
          ? Future.succeededFuture(refused)
          : appendPass(requests, true, token, cancelled, deadline)
              .onFailure(e -> holds.release(requests, token, () -> false)));
    }, null);
  }

  /**
   * One pipeline: a script per request, then the channel index (refresh, count). Each script gets the
   * call's deadline ({@link #deadline()}) and appends nothing when Redis runs it later (a command held in
   * a connection while the network was cut): a call that failed for time is never applied afterwards.
   * (Should a pipeline reach Redis exactly as its deadline passes, a batch could be stored in part; the
   * call then fails, and the stored items answer DUPLICATE to a retry with their idempotency keys.)
   *
   * @param token the batch's token when it holds its keys ({@link RedisBatchHolds}), else empty
   */
  private Future<List<Appended>> appendPass(List<PublishRequest> requests, boolean mayCreate, String token,
                                            BooleanSupplier cancelled, long deadlineMs) {
    long now = System.currentTimeMillis();
    String deadline = Long.toString(deadlineMs);
    List<RedisCall> cmds = new ArrayList<>(requests.size() + 4);
    for (PublishRequest r : requests) {
      cmds.add(RedisCall.script(APPEND, keys.scriptKeys(r.channel()), List.of(maxEvents, maxAge, idle,
          mayCreate ? "1" : "0", r.event() == null ? "" : r.event(), r.data(),
          r.idempotencyKey() == null ? "" : r.idempotencyKey(), token, deadline)));
    }
    for (String ch : channelsOf(requests)) {
      if (Names.isReserved(ch)) {
        continue; // Herald's own channels (the readiness canary) are not counted among the channels
      }
      // GT: a node with a slower clock never moves a channel back; XX: a refused channel is not indexed
      Request zadd = Request.cmd(Command.ZADD).arg(keys.channels());
      if (!mayCreate) {
        zadd.arg("XX");
      }
      cmds.add(RedisCall.plain("zadd", zadd.arg("GT").arg(now).arg(ch)));
    }
    cmds.add(countLive(now));
    return calls.all(cmds, cancelled).map(res -> {
      knownChannels = res.get(res.size() - 1).toLong();
      List<Appended> out = new ArrayList<>(requests.size());
      for (int i = 0; i < requests.size(); i++) {
        out.add(appended(requests.get(i), res.get(i)));
      }
      return out;
    });
  }

  private Appended appended(PublishRequest r, Response reply) {
    String kind = reply.get(0).toString();
    switch (kind) {
      case "stored" -> {
        long epoch = Long.parseLong(reply.get(1).toString());
        long seq = RedisHistoryReplies.seq(reply.get(2).toString());
        long time = Long.parseLong(reply.get(3).toString());
        return new Appended(Outcome.STORED, new StoredEvent(r.channel(), epoch, seq, r.event(), r.data(), time));
      }
      case "first" -> {
        StoredEvent first = RedisHistoryReplies.entry(r.channel(), Long.parseLong(reply.get(1).toString()), reply.get(2));
        return BatchConflicts.same(first.event(), first.data(), r) ? new Appended(Outcome.DUPLICATE, first)
            : new Appended(Outcome.CONFLICT, null);
      }
      case "held" -> {
        return new Appended(Outcome.CONFLICT, null); // a batch of another publisher holds the key right now
      }
      case "full" -> throw new IllegalStateException(full());
      case "late" -> throw new IllegalStateException("Redis ran the append after its deadline; nothing was stored");
      default -> throw new IllegalStateException("unexpected reply of append.lua: " + kind);
    }
  }

  @Override
  public Future<HistoryPage> read(String channel, Cursor.Position after, int limit) {
    if (limit < 1) {
      return Future.failedFuture(new IllegalArgumentException("limit must be at least 1"));
    }
    RedisCall cmd = RedisCall.script(READ, keys.scriptKeys(channel), List.of(maxAge, idle,
        after == null ? "" : Long.toString(after.epoch()), after == null ? "0" : Long.toString(after.seq()),
        after == null ? "0" : Long.toString(after.timeSec()), Integer.toString(limit)));
    return calls.send("a history read", cmd, null).map(reply -> RedisHistoryReplies.page(channel, reply));
  }

  @Override
  public Future<List<ChannelHead>> heads(List<String> channels) {
    if (channels.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<RedisCall> reads = new ArrayList<>(channels.size());
    for (String ch : channels) {
      reads.add(RedisCall.keyed("heads", keys.meta(ch), Request.cmd(Command.HMGET).arg(keys.meta(ch)).arg("epoch")
          .arg("seq").arg("last")));
    }
    return calls.pipelineAll("a heads read", reads).map(replies -> {
      long now = System.currentTimeMillis();
      List<ChannelHead> out = new ArrayList<>(channels.size());
      for (int i = 0; i < channels.size(); i++) {
        out.add(RedisHistoryReplies.head(channels.get(i), replies.get(i), now, idleMs));
      }
      return out;
    });
  }

  @Override
  public long timeoutMs() {
    return calls.timeoutMs();
  }

  /**
   * The deadline of a call that starts now (epoch ms): when its timer fails it. Called first thing in an
   * operation, whose timer starts just before.
   */
  private long deadline() {
    return System.currentTimeMillis() + calls.timeoutMs();
  }

  /**
   * Housekeeping: Redis removes idle channels by itself ({@code PEXPIRE}) and aged events go when their
   * channel is next touched; this only drops idle channels from the channel index and returns how many.
   */
  @Override
  public Future<Integer> expire() {
    long cutoff = System.currentTimeMillis() - idleMs;
    Request r = Request.cmd(Command.ZREMRANGEBYSCORE).arg(keys.channels()).arg("-inf").arg(cutoff);
    return calls.send("housekeeping", RedisCall.plain("zremrangebyscore", r), null).map(Response::toInteger);
  }

  /** Channels published within {@code idleChannelTtl}, on every node (one {@code ZCOUNT}). */
  @Override
  public Future<Long> channelCount() {
    return calls.send("the channel count", countLive(System.currentTimeMillis()), null).map(reply -> {
      knownChannels = reply.toLong();
      return knownChannels;
    });
  }

  @Override
  public Future<Void> ping() {
    return calls.send("ping", RedisCall.plain("ping", Request.cmd(Command.PING)), null).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return calls.close();
  }

  private RedisCall countLive(long now) {
    return RedisCall.plain("zcount", Request.cmd(Command.ZCOUNT).arg(keys.channels()).arg("(" + (now - idleMs))
        .arg("+inf"));
  }

  private String full() {
    return "it holds its maximum of " + options.maxChannels() + " channels (history.maxChannels)";
  }

  private static Set<String> channelsOf(List<PublishRequest> requests) {
    Set<String> out = new LinkedHashSet<>();
    for (PublishRequest r : requests) {
      out.add(r.channel());
    }
    return out;
  }
}
