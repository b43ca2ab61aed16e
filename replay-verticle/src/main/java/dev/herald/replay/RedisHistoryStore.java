package dev.herald.replay;

import dev.herald.replay.RedisLink.Cmd;
import dev.herald.replay.api.ChannelHead;
import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.HistoryOptions;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.StoredEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.redis.client.Command;
import dev.herald.redis.LuaScript;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

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
 *   <li>{@code check.lua}: a read-only look-up of idempotency keys (and of channels that exist) that
 *   batches run first when they must, so a conflicting batch stores nothing.</li>
 * </ul>
 *
 * <p><b>Epochs</b>: a channel gets a new epoch from Redis time (16 µs units since 2020) when it is
 * created, so a channel whose data Redis lost (restart without persistence, {@code FLUSHALL}, idle
 * expiry, eviction) starts again at sequence number 1 in an epoch it never had, and readers of the
 * old one get {@code reset} (or {@code expired}).
 *
 * <p><b>Batches</b> ({@link #appendAll}) are one pipeline of scripts. When any item has an
 * idempotency key (or the batch may pass {@code maxChannels}), a read-only check pipeline runs first
 * and a conflict stores nothing. A narrow race remains: another node may record one of the batch's
 * new keys for a different event between the check and the appends; that item then answers
 * {@code CONFLICT} while the other items are stored (each append is still atomic and gap-free).
 *
 * <p><b>maxChannels</b> is enforced approximately across nodes: the index counts channels published
 * within {@code idleChannelTtl} (refreshed by every publish), and a publish that would create a
 * channel is refused while that count is at the bound. Redis's memory limit is the hard bound:
 * run it with {@code maxmemory-policy noeviction} so that a full Redis refuses writes (503) instead of
 * evicting history keys.
 *
 * <p><b>Failures</b>: every call fails after {@code timeoutMs} with a {@link TimeoutException} when Redis
 * does not answer (a hung or paused Redis, a cut network), or at once when it is unreachable. An append
 * that timed out is never applied afterwards: its script carries the call's deadline and stores nothing
 * when Redis runs it later (after a pause, or when a cut network heals and the command arrives at last);
 * only an answer lost on its way back leaves an append stored that timed out. Calls complete on the
 * caller's context; the store itself works on an event-loop context of its own and never blocks.
 */
public final class RedisHistoryStore implements HistoryStore {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RedisHistoryStore.class);
  /** A sensible request timeout for production (ms). */
  public static final long DEFAULT_TIMEOUT_MS = 2000;
  /** Where the history scripts are; {@code lib.lua} goes in front of each. */
  private static final String SCRIPTS = "/dev/herald/replay/redis/";
  private static final LuaScript APPEND = LuaScript.load(SCRIPTS, "append", "lib");
  private static final LuaScript READ = LuaScript.load(SCRIPTS, "read", "lib");
  private static final LuaScript CHECK = LuaScript.load(SCRIPTS, "check", "lib");

  private final Vertx vertx;
  private final Context context;
  private final RedisLink link;
  private final RedisHistoryKeys keys;
  private final HistoryOptions options;
  private final long timeoutMs;
  private final long idleMs;
  private final String maxEvents;
  private final String maxAge;
  private final String idle;
  /** True once Redis refused the heads of several channels in one batch (keys on several cluster masters). */
  private volatile boolean headsPerChannel;
  /** Live channels in the whole store at the last count (every publish counts them). */
  private volatile long knownChannels;
  private volatile boolean closed;

  /**
   * @param vertx     the Vert.x instance of the client
   * @param redis     the launcher's client (standalone or cluster); the store borrows one connection
   *                  and never closes the client
   * @param prefix    the key prefix (config {@code name}, default {@code herald})
   * @param options   the history limits
   * @param timeoutMs how long a call waits for Redis before it fails
   */
  public RedisHistoryStore(Vertx vertx, Redis redis, String prefix, HistoryOptions options, long timeoutMs) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.keys = new RedisHistoryKeys(prefix);
    this.options = Objects.requireNonNull(options, "options");
    if (timeoutMs < 1) {
      throw new IllegalArgumentException("the Redis request timeout must be positive");
    }
    this.timeoutMs = timeoutMs;
    this.context = ((VertxInternal) vertx).createEventLoopContext();
    this.link = new RedisLink(context, Objects.requireNonNull(redis, "redis"), List.of(APPEND, READ, CHECK),
        "history store " + prefix);
    this.idleMs = options.idleChannelTtl().toMillis();
    this.maxEvents = Integer.toString(options.maxEvents());
    this.maxAge = Long.toString(options.maxAge().toMillis());
    this.idle = Long.toString(idleMs);
  }

  @Override
  public Future<Appended> append(PublishRequest request) {
    return op(cancelled -> appendPass(List.of(request), knownChannels < options.maxChannels(), cancelled,
        deadline()).map(l -> l.get(0)));
  }

  @Override
  public Future<List<Appended>> appendAll(List<PublishRequest> requests) {
    if (requests.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    if (requests.size() == 1) {
      return append(requests.get(0)).map(List::of);
    }
    return op(cancelled -> {
      long deadline = deadline();
      Set<String> channels = channelsOf(requests);
      boolean keyed = requests.stream().anyMatch(r -> r.idempotencyKey() != null);
      boolean nearBound = knownChannels + channels.size() > options.maxChannels();
      if (!keyed && !nearBound) {
        return appendPass(requests, true, cancelled, deadline);
      }
      return checkPass(requests, channels, nearBound, cancelled).compose(refused -> refused != null
          ? Future.succeededFuture(refused) : appendPass(requests, true, cancelled, deadline));
    });
  }

  /**
   * One pipeline: a script per request, then the channel index (refresh, count). Each script gets the
   * call's deadline ({@link #deadline()}) and appends nothing when Redis runs it later (a command held in
   * a connection while the network was cut): a call that failed for time is never applied afterwards.
   * (Should a pipeline reach Redis exactly as its deadline passes, a batch could be stored in part; the
   * call then fails, and the stored items answer DUPLICATE to a retry with their idempotency keys.)
   */
  private Future<List<Appended>> appendPass(List<PublishRequest> requests, boolean mayCreate, BooleanSupplier cancelled,
                                            long deadlineMs) {
    long now = System.currentTimeMillis();
    String deadline = Long.toString(deadlineMs);
    List<Cmd> cmds = new ArrayList<>(requests.size() + 4);
    for (PublishRequest r : requests) {
      List<String> k = keys.scriptKeys(r.channel());
      List<String> a = List.of(maxEvents, maxAge, idle, mayCreate ? "1" : "0", r.event() == null ? "" : r.event(),
          r.data(), r.idempotencyKey() == null ? "" : r.idempotencyKey(), deadline);
      cmds.add(new Cmd(APPEND.evalsha(k, a), () -> APPEND.eval(k, a), keys.tag(r.channel())));
    }
    for (String ch : channelsOf(requests)) {
      // GT: a node with a slower clock never moves a channel back; XX: a refused channel is not indexed
      Request zadd = Request.cmd(Command.ZADD).arg(keys.channels());
      if (!mayCreate) {
        zadd.arg("XX");
      }
      cmds.add(Cmd.plain(zadd.arg("GT").arg(now).arg(ch)));
    }
    cmds.add(Cmd.plain(countLive(now)));
    return link.pipeline(cmds, cancelled).map(res -> {
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
      case "full" -> throw new IllegalStateException(full());
      case "late" -> throw new IllegalStateException("Redis ran the append after its deadline; nothing was stored");
      default -> throw new IllegalStateException("unexpected reply of append.lua: " + kind);
    }
  }

  /**
   * The read-only pass before a batch: looks up every idempotency key of the batch (and, near the
   * channel bound, whether each channel exists). Fails when the batch would pass maxChannels; answers
   * the batch's outcomes when a key conflicts (nothing is stored), else null.
   */
  private Future<List<Appended>> checkPass(List<PublishRequest> requests, Set<String> channels, boolean nearBound,
      BooleanSupplier cancelled) {
    long now = System.currentTimeMillis();
    List<Cmd> cmds = new ArrayList<>();
    List<String[]> asked = new ArrayList<>();
    Set<String> pairs = new LinkedHashSet<>();
    Set<String> covered = new LinkedHashSet<>();
    for (PublishRequest r : requests) {
      if (r.idempotencyKey() != null && pairs.add(r.channel() + '\n' + r.idempotencyKey())) {
        cmds.add(check(r.channel(), r.idempotencyKey()));
        asked.add(new String[] {r.channel(), r.idempotencyKey()});
        covered.add(r.channel());
      }
    }
    if (nearBound) {
      for (String ch : channels) {
        if (covered.add(ch)) {
          cmds.add(check(ch, ""));
          asked.add(new String[] {ch, ""});
        }
      }
    }
    cmds.add(Cmd.plain(countLive(now)));
    return link.pipeline(cmds, cancelled).map(res -> {
      long live = res.get(res.size() - 1).toLong();
      knownChannels = live;
      Set<String> existing = new LinkedHashSet<>();
      Map<String, StoredEvent> firsts = new HashMap<>();
      for (int i = 0; i < asked.size(); i++) {
        Response reply = res.get(i);
        String ch = asked.get(i)[0];
        if (reply.get(0).toLong() == 1) {
          existing.add(ch);
        }
        if (reply.size() > 1) {
          firsts.put(ch + '\n' + asked.get(i)[1],
              RedisHistoryReplies.entry(ch, Long.parseLong(reply.get(1).toString()), reply.get(2)));
        }
      }
      if (nearBound) {
        long fresh = channels.stream().filter(ch -> !existing.contains(ch)).count();
        if (live + fresh > options.maxChannels()) {
          throw new IllegalStateException(full());
        }
      }
      return BatchConflicts.find(requests, (ch, key) -> firsts.get(ch + '\n' + key));
    });
  }

  private Cmd check(String channel, String key) {
    List<String> k = keys.scriptKeys(channel);
    List<String> a = List.of(maxAge, idle, key);
    return new Cmd(CHECK.evalsha(k, a), () -> CHECK.eval(k, a), keys.tag(channel));
  }

  @Override
  public Future<HistoryPage> read(String channel, Cursor.Position after, int limit) {
    if (limit < 1) {
      return Future.failedFuture(new IllegalArgumentException("limit must be at least 1"));
    }
    List<String> k = keys.scriptKeys(channel);
    List<String> a = List.of(maxAge, idle, after == null ? "" : Long.toString(after.epoch()),
        after == null ? "0" : Long.toString(after.seq()), after == null ? "0" : Long.toString(after.timeSec()),
        Integer.toString(limit));
    Cmd cmd = new Cmd(READ.evalsha(k, a), () -> READ.eval(k, a), keys.tag(channel));
    return op(cancelled -> link.pipeline(List.of(cmd), cancelled).map(res -> RedisHistoryReplies.page(channel, res.get(0))));
  }

  /**
   * One pipelined {@code HMGET} of each channel's meta hash: one round trip. The commands leave as one
   * batch (a third of the cost of one batch per channel, measured); a Redis Cluster refuses a batch whose
   * keys live on several masters, and then this store sends one batch per channel from then on. A
   * channel idle past its TTL but not yet expired by Redis still shows its last head, which followers
   * already have.
   */
  @Override
  public Future<List<ChannelHead>> heads(List<String> channels) {
    if (channels.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    if (headsPerChannel) {
      return op(cancelled -> headsPass(channels, true, cancelled));
    }
    return op(cancelled -> headsPass(channels, false, cancelled)).recover(failure -> {
      if (failure instanceof TimeoutException) {
        return Future.failedFuture(failure);
      }
      return op(cancelled -> headsPass(channels, true, cancelled)).andThen(ar -> {
        if (ar.succeeded() && !headsPerChannel) {
          headsPerChannel = true;
          LOG.info("history store: Redis refused the heads of many channels in one batch ({}); sending one batch per "
              + "channel from now on (Redis Cluster)", failure.getMessage());
        }
      });
    });
  }

  private Future<List<ChannelHead>> headsPass(List<String> channels, boolean perChannel, BooleanSupplier cancelled) {
    List<Cmd> cmds = new ArrayList<>(channels.size());
    for (String ch : channels) {
      cmds.add(new Cmd(Request.cmd(Command.HMGET).arg(keys.meta(ch)).arg("epoch").arg("seq"), null,
          perChannel ? keys.tag(ch) : null));
    }
    return link.pipeline(cmds, cancelled).map(res -> {
      List<ChannelHead> out = new ArrayList<>(channels.size());
      for (int i = 0; i < channels.size(); i++) {
        out.add(RedisHistoryReplies.head(channels.get(i), res.get(i)));
      }
      return out;
    });
  }

  @Override
  public long timeoutMs() {
    return timeoutMs;
  }

  /**
   * The deadline of a call that starts now (epoch ms): when its timer fails it. Called first thing in an
   * operation, whose timer starts just before.
   */
  private long deadline() {
    return System.currentTimeMillis() + timeoutMs;
  }

  /**
   * Housekeeping: Redis removes idle channels by itself ({@code PEXPIRE}) and aged events go when their
   * channel is next touched; this only drops idle channels from the channel index and returns how many.
   */
  @Override
  public Future<Integer> expire() {
    return op(cancelled -> {
      long cutoff = System.currentTimeMillis() - idleMs;
      Request r = Request.cmd(Command.ZREMRANGEBYSCORE).arg(keys.channels()).arg("-inf").arg(cutoff);
      return link.pipeline(List.of(Cmd.plain(r)), cancelled).map(res -> res.get(0).toInteger());
    });
  }

  /** Channels published within {@code idleChannelTtl}, on every node (one {@code ZCOUNT}). */
  @Override
  public Future<Long> channelCount() {
    return op(cancelled -> link.pipeline(List.of(Cmd.plain(countLive(System.currentTimeMillis()))), cancelled)
        .map(res -> {
          knownChannels = res.get(0).toLong();
          return knownChannels;
        }));
  }

  @Override
  public Future<Void> ping() {
    return op(cancelled -> link.pipeline(List.of(Cmd.plain(Request.cmd(Command.PING))), cancelled).mapEmpty());
  }

  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    Promise<Void> done = Promise.promise();
    try {
      context.runOnContext(v -> link.close().onComplete(done));
    } catch (RejectedExecutionException e) {
      return Future.succeededFuture(); // Vert.x is closed: so is the connection
    }
    return done.future();
  }

  private Request countLive(long now) {
    return Request.cmd(Command.ZCOUNT).arg(keys.channels()).arg("(" + (now - idleMs)).arg("+inf");
  }

  private String full() {
    return "it holds its maximum of " + options.maxChannels() + " channels (history.maxChannels)";
  }

  /** The failure with a message that says what happened (a closed socket's exception has none). */
  private static Throwable clear(Throwable t) {
    String m = t.getMessage();
    if (m != null && !m.isBlank()) {
      return t;
    }
    return new IOException("the connection to Redis failed (" + t.getClass().getSimpleName() + ")", t);
  }

  private static Set<String> channelsOf(List<PublishRequest> requests) {
    Set<String> out = new LinkedHashSet<>();
    for (PublishRequest r : requests) {
      out.add(r.channel());
    }
    return out;
  }

  /**
   * Runs {@code work} on the store's context with the request timeout: the future fails with a
   * {@link TimeoutException} when Redis has not answered in time, and commands not yet sent then are
   * dropped. Calls start in the order they are made; the result is delivered on the caller's context.
   */
  private <T> Future<T> op(Function<BooleanSupplier, Future<T>> work) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the history store is closed"));
    }
    Context caller = Vertx.currentContext();
    Promise<T> result = Promise.promise();
    try {
      context.runOnContext(v -> run(work, result));
    } catch (RejectedExecutionException e) {
      return Future.failedFuture(new IllegalStateException("the history store's Vert.x instance is closed"));
    }
    if (caller == null) {
      return result.future();
    }
    Promise<T> delivered = Promise.promise();
    result.future().onComplete(ar -> caller.runOnContext(x -> delivered.handle(ar)));
    return delivered.future();
  }

  /** Runs one operation on the store's context, failing it at the timeout. */
  private <T> void run(Function<BooleanSupplier, Future<T>> work, Promise<T> result) {
    link.bind();
    boolean[] over = {false};
    long timer = vertx.setTimer(timeoutMs, id -> {
      if (!over[0]) {
        over[0] = true;
        result.tryFail(new TimeoutException("Redis did not answer within " + timeoutMs + " ms"));
      }
    });
    Future<T> f;
    try {
      f = work.apply(() -> over[0]);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> link.onContext(() -> {
      vertx.cancelTimer(timer);
      over[0] = true;
      if (ar.succeeded()) {
        result.tryComplete(ar.result());
      } else {
        result.tryFail(clear(ar.cause()));
      }
    }));
  }
}
