package dev.herald.gateway;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The connections of one gateway instance, so of one event loop (no locks): their deadlines, and room made
 * under {@link Connections}' cap. A connection is <em>busy</em> while a request is in progress on it (an open
 * stream is a request in progress) and <em>idle</em> otherwise:
 *
 * <ul>
 *   <li>a new connection must send a whole request head within {@code http.requestTimeout}, a kept-alive one
 *       within {@code http.idleTimeout} of its last answer; else it is closed;</li>
 *   <li>a request's body must arrive within {@code http.requestTimeout} of its head, else {@code 408};</li>
 *   <li>past the cap, the longest-idle connection is closed to make room; with none idle the new connection
 *       serves one {@code /health/*} or {@code /metrics} request and closes; past a ceiling a quarter of the
 *       way to the open-file limit, sockets are closed as they are accepted ({@link Connections#admit}).</li>
 * </ul>
 *
 * A connection is known by its socket. The deadlines are not a timer each (two per request, set and
 * cancelled, were a tenth of a publish's CPU): one sweep per loop, every quarter of the shorter timeout,
 * closes what is past its deadline, so a connection is closed at its deadline or up to a quarter of the
 * timeout later, never before. The sweep stops while the loop holds no connection.
 */
final class ConnectionGuard {
  static final String HEALTH = "/health/";
  static final String METRICS = "/metrics";

  private final Vertx vertx;
  private final Connections node;
  private final HttpServerOptions options;
  private final Map<Channel, Conn> conns = new HashMap<>();
  /** Idle connections, the longest idle first. */
  private final LinkedHashSet<Conn> idle = new LinkedHashSet<>();
  /** Requests waiting for their body, in deadline order (one timeout for all); answered ones are skipped. */
  private final ArrayDeque<BodyWait> bodies = new ArrayDeque<>();
  private final long sweepMs;
  private long sweeper = -1;

  private static final class Conn {
    final Channel channel;
    final HttpConnection http;
    int inFlight;
    /** While idle: when it is closed ({@link System#nanoTime}), and why. */
    long deadline;
    String why;
    boolean overflow;
    boolean closed;

    Conn(Channel channel, HttpConnection http) {
      this.channel = channel;
      this.http = http;
    }

    String remote() {
      return String.valueOf(http.remoteAddress());
    }
  }

  /** A request whose body must arrive by {@code deadline} ({@link System#nanoTime}). */
  private record BodyWait(long deadline, RoutingContext ctx, Conn conn) {
    boolean pending() {
      return !ctx.request().isEnded() && !ctx.response().headWritten() && !conn.closed;
    }
  }

  ConnectionGuard(Vertx vertx, Connections node, HttpServerOptions options) {
    this.vertx = vertx;
    this.node = node;
    this.options = options;
    this.sweepMs = Math.max(10, Math.min(node.requestTimeoutMs(), node.idleTimeoutMs()) / 4);
  }

  /** The server's connection handler: on the connection's loop, before it reads anything. */
  void connected(HttpConnection http) {
    Channel channel = WireAdapter.channel(http);
    WireAdapter.installStrictDecoder(http, options);
    WireAdapter.gateAccepts(http, node::admit, node::markGated);
    Conn c = new Conn(channel, http);
    conns.put(channel, c);
    int open = node.opened(WireAdapter.admitted(http));
    channel.closeFuture().addListener(f -> closed(c));
    if (open > node.max() && !evictIdle()) {
      c.overflow = true;
    }
    idle(c, node.requestTimeoutMs(), "no request head within http.requestTimeout");
  }

  /**
   * A request's head arrived: its connection is busy until the answer ends. False when the connection is
   * one over the cap and the request is not for {@code /health/*} or {@code /metrics}: the caller refuses it.
   */
  boolean started(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Conn c = conns.get(WireAdapter.channel(request.connection()));
    if (c == null || c.closed) {
      return true;
    }
    c.inFlight++;
    idle.remove(c);
    if (!request.isEnded() && EdgeRules.hasBody(request.headers())) {
      while (!bodies.isEmpty() && !bodies.peekFirst().pending()) {
        bodies.pollFirst(); // answered: nothing to watch
      }
      bodies.addLast(new BodyWait(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(node.requestTimeoutMs()), ctx, c));
      sweepSoon();
    }
    // Set on the response itself, not through RoutingContext.addEndHandler: the router's end handler holds
    // the whole routing context, which a stream would then keep for its life. So no route may use
    // addEndHandler (it would take the response's end handler from here). A connection that closes is
    // counted out by its socket's close, whatever its responses did.
    ctx.response().endHandler(v -> ended(c));
    return !c.overflow || request.path() != null && (request.path().startsWith(HEALTH)
        || request.path().equals(METRICS));
  }

  private void ended(Conn c) {
    if (c.closed || --c.inFlight > 0) {
      return;
    }
    if (c.overflow) {
      c.http.close(); // a connection over the cap serves one probe
      return;
    }
    idle(c, node.idleTimeoutMs(), "idle for http.idleTimeout");
  }

  private void idle(Conn c, long ms, String why) {
    idle.remove(c);
    idle.add(c);
    c.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    c.why = why;
    sweepSoon();
  }

  private void sweepSoon() {
    if (sweeper < 0) {
      sweeper = vertx.setPeriodic(sweepMs, t -> sweep());
    }
  }

  /** Closes what is past its deadline; stops sweeping while the loop holds no connection. */
  private void sweep() {
    long now = System.nanoTime();
    while (!bodies.isEmpty() && (!bodies.peekFirst().pending() || bodies.peekFirst().deadline() - now <= 0)) {
      BodyWait w = bodies.pollFirst();
      if (w.pending()) {
        node.timedOut(w.conn().remote(), "the request body did not arrive within http.requestTimeout");
        EdgeProblems.refuseAndClose(w.ctx(), EdgeProblems.requestTimeout());
      }
    }
    List<Conn> expired = new ArrayList<>();
    for (Conn c : idle) {
      if (c.deadline - now <= 0) {
        expired.add(c);
      }
    }
    for (Conn c : expired) {
      if (!c.closed && c.inFlight == 0) {
        idle.remove(c);
        node.timedOut(c.remote(), c.why);
        c.http.close();
      }
    }
    if (conns.isEmpty() && bodies.isEmpty()) {
      vertx.cancelTimer(sweeper);
      sweeper = -1;
    }
  }

  /** Closes the longest-idle connection of this loop; false when none is idle. */
  private boolean evictIdle() {
    Iterator<Conn> it = idle.iterator();
    if (!it.hasNext()) {
      return false;
    }
    Conn oldest = it.next();
    it.remove();
    node.evicted(oldest.remote());
    oldest.http.close();
    return true;
  }

  private void closed(Conn c) {
    if (c.closed) {
      return;
    }
    c.closed = true;
    conns.remove(c.channel);
    idle.remove(c);
    node.closed();
    afterNextSelect(c.channel.eventLoop(), node::released);
  }

  /**
   * Runs {@code task} on {@code loop} once the loop has selected again. Netty takes the scheduled tasks that
   * are due once per turn, after its select: a task scheduled from one of them waits for the next turn, so
   * for a select (which releases the files of the sockets closed before it).
   */
  private static void afterNextSelect(EventLoop loop, Runnable task) {
    loop.schedule(() -> loop.schedule(task, 0, TimeUnit.MILLISECONDS), 0, TimeUnit.MILLISECONDS);
  }

  /** Connections this loop holds (tests). */
  int size() {
    return conns.size();
  }
}
