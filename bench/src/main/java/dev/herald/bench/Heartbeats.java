package dev.herald.bench;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Heartbeat load: S sessions started once each ({@code POST start}, the session cookie kept), then
 * beaten in turn ({@code POST beat} with the cookie) at a total rate over keep-alive, pipelined
 * connections. Session i is handled by lane i mod lanes.
 */
final class Heartbeats {
  /** Paths and cookie name. */
  record Paths(String start, String beat, String cookie) {
  }

  private final List<Lane> startLanes = new ArrayList<>();
  private final List<Lane> beatLanes = new ArrayList<>();
  private final List<StartWork> starts = new ArrayList<>();
  private final List<BeatWork> beats = new ArrayList<>();
  private final Pacer pacer;

  Heartbeats(Net net, List<Target> targets, int sessions, int conns, int depth, Paths paths) {
    this.pacer = net.pacer();
    int lanes = Math.max(1, Math.min(conns, sessions));
    for (int i = 0; i < lanes; i++) {
      Target t = targets.get(i % targets.size());
      List<Integer> owned = new ArrayList<>();
      for (int s = i; s < sessions; s += lanes) {
        owned.add(s);
      }
      StartWork sw = new StartWork(owned.size(), t, paths);
      BeatWork bw = new BeatWork(sw);
      Lane start = new Lane(net.loop(i), t, sw, depth, paths.cookie());
      starts.add(sw);
      beats.add(bw);
      startLanes.add(start);
      // the beat lane shares the start lane's connection: same loop, same socket
      beatLanes.add(new Lane(start, bw, depth));
    }
  }

  void connect(Net net) {
    for (Lane l : startLanes) {
      ChannelFuture f = l.conn().connect(net);
      if (!f.awaitUninterruptibly(20, TimeUnit.SECONDS) || !f.isSuccess()) {
        throw new IllegalStateException("cannot open a heartbeat connection to " + l.conn().target());
      }
    }
  }

  /** Starts every session, as fast as the in-flight bound allows; waits (bounded) until all answered. */
  boolean startAll(long timeoutNanos) throws InterruptedException {
    startLanes.forEach(l -> l.begin(0, Long.MAX_VALUE, null));
    return Lane.awaitAll(startLanes, timeoutNanos);
  }

  /** Beats the started sessions at {@code perSecond} in total for {@code durationNanos}. */
  void beat(double perSecond, long durationNanos) {
    double perLane = perSecond / beatLanes.size();
    beatLanes.forEach(l -> l.begin(perLane, durationNanos, pacer));
  }

  boolean awaitBeats(long timeoutNanos) throws InterruptedException {
    return Lane.awaitAll(beatLanes, timeoutNanos);
  }

  /** Forgets the beat counts and latencies so far (after a warm-up). */
  void resetBeats() {
    for (int i = 0; i < beatLanes.size(); i++) {
      BeatWork w = beats.get(i);
      Net.on(beatLanes.get(i).conn().loop(), () -> {
        w.ok = 0;
        w.notConnected = 0;
        w.errors = 0;
        w.dead = 0;
        w.statuses.clear();
        w.latency.reset();
        return null;
      });
    }
  }

  void close() {
    for (Lane l : startLanes) {
      l.conn().loop().loop().execute(() -> l.conn().close());
    }
  }

  /** {started, startErrors} (after a barrier). */
  long[] startCounts() {
    long ok = 0;
    long err = 0;
    for (StartWork w : starts) {
      ok += w.count;
      err += w.errors;
    }
    return new long[] {ok, err};
  }

  /** {ok, notConnected (404), otherErrors, connectionLost} (after a barrier). */
  long[] beatCounts() {
    long[] n = new long[4];
    for (BeatWork w : beats) {
      n[0] += w.ok;
      n[1] += w.notConnected;
      n[2] += w.errors;
      n[3] += w.dead;
    }
    return n;
  }

  Map<Integer, Long> errorStatuses() {
    Map<Integer, Long> m = new TreeMap<>();
    starts.forEach(w -> w.statuses.forEach((k, v) -> m.merge(k, v, Long::sum)));
    beats.forEach(w -> w.statuses.forEach((k, v) -> m.merge(k, v, Long::sum)));
    return m;
  }

  LogHistogram startLatency() {
    LogHistogram h = new LogHistogram();
    starts.forEach(w -> h.add(w.latency));
    return h;
  }

  LogHistogram beatLatency() {
    LogHistogram h = new LogHistogram();
    beats.forEach(w -> h.add(w.latency));
    return h;
  }

  /** Starts the lane's sessions, keeping one ready beat request per session that started. */
  private static final class StartWork implements Lane.Work {
    private final int total;
    private final byte[] request;
    private final byte[] beatHead;
    private final String cookieName;
    private final byte[][] beatRequests;
    private int sent;
    int count;
    long errors;
    final Map<Integer, Long> statuses = new TreeMap<>();
    final LogHistogram latency = new LogHistogram();

    StartWork(int total, Target t, Paths paths) {
      this.total = total;
      this.request = ("POST " + paths.start() + " HTTP/1.1\r\nHost: " + t.hostHeader()
          + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII);
      this.beatHead = ("POST " + paths.beat() + " HTTP/1.1\r\nHost: " + t.hostHeader()
          + "\r\nContent-Length: 0\r\nCookie: ").getBytes(StandardCharsets.US_ASCII);
      this.cookieName = paths.cookie();
      this.beatRequests = new byte[total][];
    }

    @Override
    public boolean send(HttpConn conn) {
      if (sent == total) {
        return false;
      }
      sent++;
      conn.send(Unpooled.wrappedBuffer(request));
      return true;
    }

    @Override
    public void answered(HttpConn conn, int status, long latencyNanos) {
      String cookie = conn.takeCookie();
      if (status >= 200 && status < 300 && cookie != null) {
        byte[] tail = (cookieName + "=" + cookie + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] req = new byte[beatHead.length + tail.length];
        System.arraycopy(beatHead, 0, req, 0, beatHead.length);
        System.arraycopy(tail, 0, req, beatHead.length, tail.length);
        beatRequests[count++] = req;
        latency.record(latencyNanos / 1000);
      } else {
        errors++;
        statuses.merge(status, 1L, Long::sum);
      }
    }
  }

  /** Beats the started sessions of the lane in turn. */
  private static final class BeatWork implements Lane.Work {
    private final StartWork sessions;
    private int turn;
    long ok;
    long notConnected;
    long errors;
    long dead;
    final Map<Integer, Long> statuses = new TreeMap<>();
    final LogHistogram latency = new LogHistogram();

    BeatWork(StartWork sessions) {
      this.sessions = sessions;
    }

    @Override
    public boolean send(HttpConn conn) {
      if (sessions.count == 0) {
        return false;
      }
      byte[] req = sessions.beatRequests[turn];
      turn = (turn + 1) % sessions.count;
      conn.send(Unpooled.wrappedBuffer(req));
      return true;
    }

    @Override
    public void answered(HttpConn conn, int status, long latencyNanos) {
      if (status >= 200 && status < 300) {
        ok++;
        latency.record(latencyNanos / 1000);
      } else if (status == 404) {
        notConnected++;
      } else if (status < 0) {
        dead++;
      } else {
        errors++;
        statuses.merge(status, 1L, Long::sum);
      }
    }
  }
}
