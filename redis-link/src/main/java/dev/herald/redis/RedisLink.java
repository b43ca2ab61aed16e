package dev.herald.redis;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import io.vertx.redis.client.impl.PooledRedisConnection;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store's line to Redis: one connection taken from the caller's {@link Redis} client (standalone, or a
 * cluster connection that keeps one connection per master), used only from one Vert.x context, so that
 * commands leave in the order the store issued them. {@link RedisCalls} puts deadlines around it.
 *
 * <ul>
 *   <li><b>Pipelines</b>: the calls of one {@link #pipeline} are grouped by <em>lane</em> (a hash slot,
 *   {@link RedisCall#lane()}) and each group leaves as one write ({@code send} for one command, {@code batch}
 *   for more) — one slot in cluster mode. All groups leave at once: one round trip. A group's failure
 *   fails its calls only.</li>
 *   <li><b>Order per lane</b>: a cluster connection opens its connection to a master on first use,
 *   and two writes racing that opening may leave in either order. So the first group of each lane
 *   on a fresh connection goes alone; the lane's next groups wait for it, then pipeline freely.</li>
 *   <li><b>Reconnects</b>: a connection that fails below the Redis protocol (closed, reset) is
 *   dropped; the next command opens a new one, which first sends {@code SCRIPT LOAD} for every
 *   script. Redis error replies ({@code -ERR}, {@code -OOM}, ...) fail their group only.</li>
 *   <li><b>NOSCRIPT</b> (Redis lost its script cache while the connection lived, or a cluster master
 *   never saw {@code SCRIPT LOAD}): when every script of a group failed with NOSCRIPT, nothing of
 *   the group ran, so the scripts are loaded again and the group is sent once more with {@code EVAL}, which
 *   runs the scripts and caches them on the node that answered. Any other mix fails the group.</li>
 *   <li>A group whose operation was cancelled (timed out) before it left is never sent.</li>
 * </ul>
 */
final class RedisLink {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
  /** Groups that may wait for a connection to open (or for room on it) before new ones fail at once. */
  static final int MAX_AWAITING = 16_384;
  /**
   * Commands written and not yet answered at most: the client's own bound is {@code maxWaitingHandlers}
   * (2048 by default) per connection, and past it every command fails; what is beyond this waits its turn.
   */
  static final int MAX_IN_FLIGHT = 2000;
  /** Lanes remembered as warm; past this the memory is cleared (a lane then warms up once more). */
  static final int MAX_WARM = 100_000;
  private static final String NOSCRIPT = "NOSCRIPT";
  /** The client's own back-pressure failure: the connection is fine, only too busy. */
  private static final String QUEUE_FULL = "waiting queue is full";

  /** Calls of one lane that leave together, and their places in the pipeline. */
  private record Group(String lane, List<RedisCall> calls, List<Integer> at) {
    int scripts() {
      int n = 0;
      for (RedisCall c : calls) {
        n += c.onNoScript() == null ? 0 : 1;
      }
      return n;
    }

    List<Request> requests(boolean byEval) {
      List<Request> out = new ArrayList<>(calls.size());
      for (RedisCall c : calls) {
        out.add(byEval && c.onNoScript() != null ? c.onNoScript().get() : c.request());
      }
      return out;
    }
  }

  private record Waiting(Group group, BooleanSupplier cancelled, Promise<List<Response>> promise) {
  }

  private final Context context;
  private final Redis redis;
  private final List<LuaScript> scripts;
  private final String owner;
  private final ArrayDeque<Waiting> awaiting = new ArrayDeque<>();
  /** Groups waiting for room among the commands in flight, in the order they were dispatched. */
  private final ArrayDeque<Waiting> throttled = new ArrayDeque<>();
  private int inFlight;
  private final Set<String> warm = new HashSet<>();
  private final Map<String, ArrayDeque<Runnable>> warming = new HashMap<>();
  /** Connections whose socket ended since they were dropped (never closed by the link). */
  private final Set<RedisConnection> ended = Collections.newSetFromMap(new IdentityHashMap<>());
  private final LongAdder roundTrips = new LongAdder();
  private final LongAdder scriptReloads = new LongAdder();
  private volatile Thread thread;
  private RedisConnection current;
  /** {@link System#nanoTime} of the last reply on {@link #current}, or of its opening. */
  private long heardAt;
  private boolean connecting;
  private boolean closed;
  private boolean noScriptSeen;

  RedisLink(Context context, Redis redis, List<LuaScript> scripts, String owner) {
    this.context = context;
    this.redis = redis;
    this.scripts = List.copyOf(scripts);
    this.owner = owner;
  }

  /** Runs {@code r} on the link's context: at once when already there, else queued in order. */
  void onContext(Runnable r) {
    if (Thread.currentThread() == thread) {
      r.run();
    } else {
      context.runOnContext(v -> {
        thread = Thread.currentThread();
        r.run();
      });
    }
  }

  /** Pipelines written so far (each one network round trip), NOSCRIPT retries included. */
  long roundTrips() {
    return roundTrips.sum();
  }

  /** Groups sent again by EVAL after NOSCRIPT. */
  long scriptReloads() {
    return scriptReloads.sum();
  }

  /**
   * Sends the calls as one pipeline (call on the link's context) and answers each call's result, in
   * order. Groups not yet sent when {@code cancelled} turns true stay unsent (and fail).
   */
  Future<List<AsyncResult<Response>>> pipeline(List<RedisCall> calls, BooleanSupplier cancelled) {
    Map<String, Group> groups = new LinkedHashMap<>();
    for (int i = 0; i < calls.size(); i++) {
      RedisCall c = calls.get(i);
      Group g = groups.computeIfAbsent(c.lane() == null ? "" : c.lane(),
          k -> new Group(c.lane(), new ArrayList<>(), new ArrayList<>()));
      g.calls().add(c);
      g.at().add(i);
    }
    if (!groups.isEmpty()) {
      roundTrips.increment();
    }
    List<AsyncResult<Response>> out = new ArrayList<>(Collections.nCopies(calls.size(), null));
    List<Future<?>> parts = new ArrayList<>(groups.size());
    for (Group g : groups.values()) {
      parts.add(send(g, cancelled).andThen(ar -> {
        for (int i = 0; i < g.at().size(); i++) {
          out.set(g.at().get(i), ar.failed() ? Future.failedFuture(ar.cause()) : Future.succeededFuture(ar.result().get(i)));
        }
      }));
    }
    return Future.join(parts).transform(x -> Future.succeededFuture(out));
  }

  private Future<List<Response>> send(Group g, BooleanSupplier cancelled) {
    String lane = g.lane();
    if (lane == null || warm.contains(lane)) {
      return dispatch(g, cancelled);
    }
    Promise<List<Response>> p = Promise.promise();
    ArrayDeque<Runnable> queue = warming.get(lane);
    if (queue != null) {
      queue.add(() -> dispatch(g, cancelled).onComplete(p));
      return p.future();
    }
    warming.put(lane, new ArrayDeque<>());
    dispatch(g, cancelled).onComplete(ar -> onContext(() -> {
      if (ar.succeeded() && current != null) {
        if (warm.size() >= MAX_WARM) {
          warm.clear();
        }
        warm.add(lane);
      }
      ArrayDeque<Runnable> waiting = warming.remove(lane);
      p.handle(ar);
      if (waiting != null) {
        waiting.forEach(Runnable::run);
      }
    }));
    return p.future();
  }

  private Future<List<Response>> dispatch(Group g, BooleanSupplier cancelled) {
    if (cancelled.getAsBoolean()) {
      return Future.failedFuture(new CancellationException("cancelled before it was sent"));
    }
    if (closed) {
      return Future.failedFuture(new IllegalStateException(owner + " is closed"));
    }
    if (current != null && throttled.isEmpty() && fits(g)) {
      return sendOn(current, g);
    }
    if (current != null) {
      if (throttled.size() >= MAX_AWAITING) {
        return Future.failedFuture(new IllegalStateException(MAX_AWAITING + " commands already wait to be sent to Redis"));
      }
      Promise<List<Response>> p = Promise.promise();
      throttled.add(new Waiting(g, cancelled, p));
      return p.future();
    }
    if (awaiting.size() >= MAX_AWAITING) {
      return Future.failedFuture(new IllegalStateException(MAX_AWAITING + " commands already wait for a Redis connection"));
    }
    Promise<List<Response>> p = Promise.promise();
    awaiting.add(new Waiting(g, cancelled, p));
    connect();
    return p.future();
  }

  /** Whether the group may be written now: it fits beside the commands in flight (or nothing is in flight). */
  private boolean fits(Group g) {
    return inFlight == 0 || inFlight + g.calls().size() <= MAX_IN_FLIGHT;
  }

  /** Writes the groups that waited for room, in order, as far as they fit. */
  private void release() {
    while (!throttled.isEmpty()) {
      Waiting w = throttled.peek();
      if (w.cancelled().getAsBoolean()) {
        throttled.poll().promise().fail(new CancellationException("cancelled before it was sent"));
      } else if (current != null && fits(w.group())) {
        throttled.poll();
        sendOn(current, w.group()).onComplete(w.promise());
      } else {
        return;
      }
    }
  }

  private Future<List<Response>> sendOn(RedisConnection conn, Group g) {
    Promise<List<Response>> p = Promise.promise();
    int size = g.calls().size();
    inFlight += size;
    p.future().onComplete(done -> {
      inFlight -= size;
      release();
    });
    write(conn, g.requests(false)).onComplete(ar -> onContext(() -> {
      int scripts = g.scripts();
      if (ar.failed() && scripts > 0 && noScripts(ar.cause()) == scripts) {
        if (!noScriptSeen) {
          noScriptSeen = true;
          LOG.info("{}: Redis does not know the scripts (NOSCRIPT: flushed, or a cluster master that has not seen them);"
              + " loading them again", owner);
        } else {
          LOG.debug("{}: NOSCRIPT; loading the scripts again", owner);
        }
        scriptReloads.increment();
        roundTrips.increment();
        loadScripts(conn);
        write(conn, g.requests(true)).onComplete(again -> onContext(() -> settle(conn, again, p)));
      } else {
        settle(conn, ar, p);
      }
    }));
    return p.future();
  }

  /** One write: {@code send} for one command (its own error reply), {@code batch} for more. */
  private static Future<List<Response>> write(RedisConnection conn, List<Request> requests) {
    if (requests.size() == 1) {
      return conn.send(requests.get(0)).map(Collections::singletonList);
    }
    return conn.batch(requests);
  }

  private void settle(RedisConnection conn, AsyncResult<List<Response>> ar, Promise<List<Response>> p) {
    if (ar.failed() && !isRedisError(ar.cause()) && !message(ar.cause()).contains(QUEUE_FULL)) {
      lost(conn, ar.cause());
    } else if (conn == current) {
      heardAt = System.nanoTime(); // a reply, or an error reply: the connection carries answers
    }
    p.handle(ar);
  }

  /**
   * A call's deadline passed (call on the link's context). When the connection has answered nothing for
   * {@code silentNanos} while commands were in flight on it, it is dropped as dead and the next call opens a
   * new one. A network cut does not end a TCP connection: its data is retransmitted with a back-off that
   * doubles each time, so a connection that outlived a 30 s cut stayed silent for another 25 s after the
   * heal (measured in the partition test), answering then the commands it had carried all along, while a new
   * connection works at once. What the dropped one still carries is harmless: every script that changes
   * state takes the caller's deadline and refuses to run after it.
   */
  void timedOut(long silentNanos) {
    RedisConnection conn = current;
    if (conn != null && inFlight > 0 && System.nanoTime() - heardAt >= silentNanos) {
      LOG.info("{}: Redis answered nothing on its connection for {} ms while commands waited; opening a new one",
          owner, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - heardAt));
      lost(conn, new IOException("no answer on the connection"));
      discard(conn);
    }
  }

  /**
   * Ends a connection's socket now. Closing a pooled connection only hands it back to its pool, which would
   * lend the silent connection again (it failed nothing the pool could see); a cluster connection's own
   * connections are handed back so (the pool evicts one once its socket fails).
   */
  private void discard(RedisConnection conn) {
    if (conn instanceof PooledRedisConnection pooled) {
      pooled.actual().forceClose();
    } else {
      conn.close().onFailure(e -> LOG.debug("{}: closing a silent connection: {}", owner, message(e)));
    }
  }

  private void connect() {
    if (connecting || closed) {
      return;
    }
    connecting = true;
    redis.connect().onComplete(ar -> onContext(() -> {
      connecting = false;
      if (ar.failed()) {
        failAwaiting(ar.cause());
        return;
      }
      RedisConnection conn = ar.result();
      if (closed) {
        conn.close();
        failAwaiting(new IllegalStateException(owner + " is closed"));
        return;
      }
      current = conn;
      heardAt = System.nanoTime();
      warm.clear();
      noScriptSeen = false;
      conn.exceptionHandler(e -> onContext(() -> lost(conn, e)));
      conn.endHandler(v -> onContext(() -> {
        ended.add(conn);
        lost(conn, new IOException("Redis closed the connection"));
      }));
      loadScripts(conn);
      LOG.debug("{}: connected to Redis", owner);
      while (!awaiting.isEmpty()) {
        throttled.add(awaiting.poll());
      }
      release();
    }));
  }

  /** {@code SCRIPT LOAD} of every script (in cluster mode it reaches one master; EVAL covers the others). */
  private List<Future<Response>> loadScripts(RedisConnection conn) {
    List<Future<Response>> loads = new ArrayList<>(scripts.size());
    for (LuaScript s : scripts) {
      loads.add(conn.send(s.loadRequest()).andThen(loaded -> {
        if (loaded.failed()) {
          LOG.debug("{}: SCRIPT LOAD {} failed: {}", owner, s.name(), message(loaded.cause()));
        } else if (!s.sha().equals(String.valueOf(loaded.result()))) {
          LOG.warn("{}: Redis named script {} {} where {} was expected", owner, s.name(), loaded.result(), s.sha());
        }
      }));
    }
    return loads;
  }

  /**
   * Loads every script now (call on the link's context) and checks Redis knows each under its SHA: one
   * pipeline on the link's connection, opening it when needed.
   */
  Future<Void> loadScriptsNow(BooleanSupplier cancelled) {
    List<RedisCall> loads = new ArrayList<>(scripts.size());
    for (LuaScript s : scripts) {
      loads.add(RedisCall.plain("script load " + s.name(), s.loadRequest()));
    }
    return pipeline(loads, cancelled).compose(results -> {
      for (int i = 0; i < results.size(); i++) {
        AsyncResult<Response> r = results.get(i);
        if (r.failed()) {
          return Future.failedFuture(r.cause());
        }
        if (!scripts.get(i).sha().equals(String.valueOf(r.result()))) {
          return Future.failedFuture(new IllegalStateException("Redis answered SHA " + r.result() + " for script "
              + scripts.get(i).name() + ", expected " + scripts.get(i).sha()));
        }
      }
      return Future.<Void>succeededFuture();
    });
  }

  /**
   * Stops using a connection that failed below the protocol. A connection that ended is left to the
   * pool, which evicts it (closing it as well would return a dead connection); one that has not ended
   * a second later is closed.
   */
  private void lost(RedisConnection conn, Throwable cause) {
    if (conn != current) {
      return;
    }
    current = null;
    warm.clear();
    LOG.debug("{}: connection to Redis lost: {}", owner, message(cause));
    if (!throttled.isEmpty()) {
      // they wait for the next connection, still in order (nothing waits for one while a connection is up)
      awaiting.addAll(throttled);
      throttled.clear();
      connect();
    }
    context.owner().setTimer(1000, id -> onContext(() -> {
      if (!ended.remove(conn)) {
        conn.close().onFailure(e -> LOG.debug("{}: closing a failed connection: {}", owner, message(e)));
      }
    }));
  }

  private void failAwaiting(Throwable cause) {
    while (!awaiting.isEmpty()) {
      awaiting.poll().promise().fail(cause);
    }
  }

  private void failThrottled(Throwable cause) {
    while (!throttled.isEmpty()) {
      throttled.poll().promise().fail(cause);
    }
  }

  /** Closes the connection; the client itself belongs to the caller. Call on the link's context. */
  Future<Void> close() {
    closed = true;
    failAwaiting(new IllegalStateException(owner + " is closed"));
    failThrottled(new IllegalStateException(owner + " is closed"));
    RedisConnection conn = current;
    current = null;
    ended.clear();
    return conn == null ? Future.succeededFuture() : conn.close().recover(e -> Future.succeededFuture());
  }

  /** A Redis error reply (the command failed, the connection is fine). */
  static boolean isRedisError(Throwable t) {
    return t instanceof Response r && r.type() == ResponseType.ERROR;
  }

  /** How many commands a Redis error reports as NOSCRIPT (a batch reports one line per failed command). */
  static int noScripts(Throwable t) {
    if (!isRedisError(t)) {
      return 0;
    }
    String m = message(t);
    int n = 0;
    for (int at = m.indexOf(NOSCRIPT); at >= 0; at = m.indexOf(NOSCRIPT, at + NOSCRIPT.length())) {
      n++;
    }
    return n;
  }

  static String message(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
