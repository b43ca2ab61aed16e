package dev.herald.gateway;

import io.netty.channel.Channel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

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
 * A connection is known by its socket.
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

  private static final class Conn {
    final Channel channel;
    final HttpConnection http;
    int inFlight;
    long timer = -1;
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

  ConnectionGuard(Vertx vertx, Connections node, HttpServerOptions options) {
    this.vertx = vertx;
    this.node = node;
    this.options = options;
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
    cancel(c);
    long bodyDeadline = request.isEnded() || !EdgeRules.hasBody(request.headers()) ? -1
        : vertx.setTimer(node.requestTimeoutMs(), t -> {
          if (!request.isEnded() && !ctx.response().headWritten() && !c.closed) {
            node.timedOut(c.remote(), "the request body did not arrive within http.requestTimeout");
            EdgeProblems.refuseAndClose(ctx, EdgeProblems.requestTimeout());
          }
        });
    // Set on the response itself, not through RoutingContext.addEndHandler: the router's end handler holds
    // the whole routing context, which a stream would then keep for its life. So no route may use
    // addEndHandler (it would take the response's end handler from here). A connection that closes is
    // counted out by its socket's close, whatever its responses did.
    ctx.response().endHandler(v -> {
      if (bodyDeadline >= 0) {
        vertx.cancelTimer(bodyDeadline);
      }
      ended(c);
    });
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
    cancel(c);
    idle.remove(c);
    idle.add(c);
    c.timer = vertx.setTimer(ms, t -> {
      c.timer = -1;
      if (!c.closed && c.inFlight == 0) {
        node.timedOut(c.remote(), why);
        c.http.close();
      }
    });
  }

  /** Closes the longest-idle connection of this loop; false when none is idle. */
  private boolean evictIdle() {
    Iterator<Conn> it = idle.iterator();
    if (!it.hasNext()) {
      return false;
    }
    Conn oldest = it.next();
    it.remove();
    cancel(oldest);
    node.evicted(oldest.remote());
    oldest.http.close();
    return true;
  }

  private void cancel(Conn c) {
    if (c.timer >= 0) {
      vertx.cancelTimer(c.timer);
      c.timer = -1;
    }
  }

  private void closed(Conn c) {
    if (c.closed) {
      return;
    }
    c.closed = true;
    conns.remove(c.channel);
    idle.remove(c);
    cancel(c);
    node.closed();
  }

  /** Connections this loop holds (tests). */
  int size() {
    return conns.size();
  }
}
