package dev.herald.replay;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import dev.herald.redis.LuaScript;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history store's line to Redis: one connection taken from the launcher's {@link Redis} client
 * (standalone, or a cluster connection that keeps one connection per master), used only from one
 * Vert.x context, so that commands leave in the order the store issued them.
 *
 * <ul>
 *   <li><b>Pipelines</b>: the commands of one {@link #pipeline} are grouped by <em>lane</em> (a
 *   channel's hash tag; the channel index is a lane of its own) and each group leaves as one
 *   {@code batch} — one write, one slot in cluster mode. All groups leave at once: one round trip.</li>
 *   <li><b>Order per lane</b>: a cluster connection opens its connection to a master on first use,
 *   and two writes racing that opening may leave in either order. So the first group of each lane
 *   on a fresh connection goes alone; the lane's next groups wait for it, then pipeline freely.</li>
 *   <li><b>Reconnects</b>: a connection that fails below the Redis protocol (closed, reset) is
 *   dropped; the next command opens a new one, which first sends {@code SCRIPT LOAD} for every
 *   script. Redis error replies ({@code -ERR}, {@code -OOM}, ...) fail their group only.</li>
 *   <li><b>NOSCRIPT</b> (Redis lost its script cache while the connection lived, or a cluster master
 *   never saw {@code SCRIPT LOAD}): when every script of a group failed with NOSCRIPT, nothing of
 *   the group ran, so it is loaded again and the group is sent once more with {@code EVAL}, which
 *   runs the scripts and caches them on the node that answered. Any other mix fails the group.</li>
 *   <li>A group whose operation was cancelled (timed out) before it left is never sent.</li>
 * </ul>
 * State changes (connected, lost) are logged once each.
 */
final class RedisLink {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
  /** Groups that may wait for a connection to open before new ones fail at once. */
  static final int MAX_AWAITING = 10_000;
  /** Lanes remembered as warm; past this the memory is cleared (a lane then warms up once more). */
  static final int MAX_WARM = 100_000;
  private static final String NOSCRIPT = "NOSCRIPT";
  /** The client's own back-pressure failure: the connection is fine, only too busy. */
  private static final String QUEUE_FULL = "waiting queue is full";

  /**
   * One command: the request, how to run it by {@code EVAL} after NOSCRIPT ({@code null} for a plain
   * command), and its lane ({@code null} for the shared lane of commands whose order does not matter).
   */
  record Cmd(Request request, Supplier<Request> onNoScript, String lane) {
    static Cmd plain(Request request) {
      return new Cmd(request, null, null);
    }
  }

  /** Commands of one lane that leave together, and their places in the pipeline. */
  private record Group(String lane, List<Cmd> cmds, List<Integer> at) {
    int scripts() {
      int n = 0;
      for (Cmd c : cmds) {
        n += c.onNoScript() == null ? 0 : 1;
      }
      return n;
    }

    List<Request> requests(boolean byEval) {
      List<Request> out = new ArrayList<>(cmds.size());
      for (Cmd c : cmds) {
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
  private final String what;
  private final ArrayDeque<Waiting> awaiting = new ArrayDeque<>();
  private final Set<String> warm = new HashSet<>();
  private final Map<String, ArrayDeque<Runnable>> warming = new HashMap<>();
  /** Connections whose socket ended since they were dropped (never closed by the link). */
  private final Set<RedisConnection> ended = Collections.newSetFromMap(new IdentityHashMap<>());
  private volatile Thread thread;
  private RedisConnection current;
  private boolean connecting;
  private boolean closed;
  private Boolean up;
  private boolean noScriptSeen;

  RedisLink(Context context, Redis redis, List<LuaScript> scripts, String what) {
    this.context = context;
    this.redis = redis;
    this.scripts = List.copyOf(scripts);
    this.what = what;
  }

  /** Marks the calling thread as the link's context thread (call from a task of that context). */
  void bind() {
    thread = Thread.currentThread();
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

  /**
   * Sends the commands as one pipeline (call on the link's context) and answers their replies in
   * order. Fails with the first failure; groups not yet sent when {@code cancelled} turns true stay unsent.
   */
  Future<List<Response>> pipeline(List<Cmd> cmds, BooleanSupplier cancelled) {
    Map<String, Group> groups = new LinkedHashMap<>();
    for (int i = 0; i < cmds.size(); i++) {
      Cmd c = cmds.get(i);
      Group g = groups.computeIfAbsent(c.lane() == null ? "" : c.lane(),
          k -> new Group(c.lane(), new ArrayList<>(), new ArrayList<>()));
      g.cmds().add(c);
      g.at().add(i);
    }
    Response[] out = new Response[cmds.size()];
    List<Future<?>> parts = new ArrayList<>(groups.size());
    for (Group g : groups.values()) {
      parts.add(send(g, cancelled).onSuccess(replies -> {
        for (int i = 0; i < replies.size(); i++) {
          out[g.at().get(i)] = replies.get(i);
        }
      }));
    }
    return Future.all(parts).map(x -> Arrays.asList(out));
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
      return Future.failedFuture(new IllegalStateException("the history store is closed"));
    }
    if (current != null) {
      return sendOn(current, g);
    }
    if (awaiting.size() >= MAX_AWAITING) {
      return Future.failedFuture(new IllegalStateException(MAX_AWAITING + " commands already wait for a Redis connection"));
    }
    Promise<List<Response>> p = Promise.promise();
    awaiting.add(new Waiting(g, cancelled, p));
    connect();
    return p.future();
  }

  private Future<List<Response>> sendOn(RedisConnection conn, Group g) {
    Promise<List<Response>> p = Promise.promise();
    write(conn, g.requests(false)).onComplete(ar -> onContext(() -> {
      int scripts = g.scripts();
      if (ar.failed() && scripts > 0 && noScripts(ar.cause()) == scripts) {
        if (!noScriptSeen) {
          noScriptSeen = true;
          LOG.info("{}: Redis does not know the scripts (NOSCRIPT: flushed, or a cluster master that has not seen them);"
              + " loading them again", what);
        } else {
          LOG.debug("{}: NOSCRIPT; loading the scripts again", what);
        }
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
    }
    p.handle(ar);
  }

  private void connect() {
    if (connecting || closed) {
      return;
    }
    connecting = true;
    redis.connect().onComplete(ar -> onContext(() -> {
      connecting = false;
      if (ar.failed()) {
        down(ar.cause());
        failAwaiting(ar.cause());
        return;
      }
      RedisConnection conn = ar.result();
      if (closed) {
        conn.close();
        failAwaiting(new IllegalStateException("the history store is closed"));
        return;
      }
      current = conn;
      warm.clear();
      noScriptSeen = false;
      conn.exceptionHandler(e -> onContext(() -> lost(conn, e)));
      conn.endHandler(v -> onContext(() -> {
        ended.add(conn);
        lost(conn, new IOException("Redis closed the connection"));
      }));
      loadScripts(conn);
      if (!Boolean.TRUE.equals(up)) {
        up = true;
        LOG.info("{}: connected to Redis", what);
      }
      while (!awaiting.isEmpty()) {
        Waiting w = awaiting.poll();
        if (w.cancelled().getAsBoolean()) {
          w.promise().fail(new CancellationException("cancelled before it was sent"));
        } else {
          sendOn(conn, w.group()).onComplete(w.promise());
        }
      }
    }));
  }

  /** {@code SCRIPT LOAD} of every script (in cluster mode it reaches one master; EVAL covers the others). */
  private void loadScripts(RedisConnection conn) {
    for (LuaScript s : scripts) {
      conn.send(s.loadRequest()).onComplete(loaded -> {
        if (loaded.failed()) {
          LOG.debug("{}: SCRIPT LOAD {} failed: {}", what, s.name(), message(loaded.cause()));
        } else if (!s.sha().equals(String.valueOf(loaded.result()))) {
          LOG.warn("{}: Redis named script {} {} where {} was expected", what, s.name(), loaded.result(), s.sha());
        }
      });
    }
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
    down(cause);
    context.owner().setTimer(1000, id -> onContext(() -> {
      if (!ended.remove(conn)) {
        conn.close().onFailure(e -> LOG.debug("{}: closing a failed connection: {}", what, message(e)));
      }
    }));
  }

  private void down(Throwable cause) {
    if (!Boolean.FALSE.equals(up)) {
      up = false;
      LOG.warn("{}: Redis unreachable ({}); history calls fail until it answers again", what, message(cause));
    }
  }

  private void failAwaiting(Throwable cause) {
    while (!awaiting.isEmpty()) {
      awaiting.poll().promise().fail(cause);
    }
  }

  /** Closes the connection; the client itself belongs to the launcher. Call on the link's context. */
  Future<Void> close() {
    closed = true;
    failAwaiting(new IllegalStateException("the history store is closed"));
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
