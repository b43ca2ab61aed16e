package dev.herald.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Publishes bench events over keep-alive connections. Channel c is always published on lane
 * c mod lanes, and a lane's requests are answered in order, so each channel's events are stored in
 * the order of their sequence numbers even with pipelining. Every payload carries its channel, its
 * sequence number (1, 2, ... per channel) and its publish time.
 */
final class Publisher {
  /** How a publish request looks on the wire. */
  record Format(String pubPath, String batchPath, boolean json, int batch, int padding) {
  }

  private static final byte[] POST = bytes("POST ");
  private static final byte[] CRLF2 = bytes("\r\n\r\n");
  private static final byte[] EVENT_JSON = bytes("{\"event\":\"b\",\"data\":\"");
  private static final byte[] QUOTE_BRACE = bytes("\"}");

  private final Format format;
  private final byte[][] paths;
  private final byte[][] channelJson;
  private final byte[] batchPath;
  private final List<Lane> lanes = new ArrayList<>();
  private final List<ChannelWork> works = new ArrayList<>();
  /** Per channel, touched only by its lane's loop: last sequence number given, events stored, failed. */
  private final long[] nextSeq;
  private final long[] stored;
  private final long[] failed;
  private long perChannelLimit = Long.MAX_VALUE;
  private final Pacer pacer;

  Publisher(Net net, Target target, String[] names, int conns, int depth, Format format) {
    this.format = format;
    this.pacer = net.pacer();
    this.nextSeq = new long[names.length];
    this.stored = new long[names.length];
    this.failed = new long[names.length];
    this.paths = new byte[names.length][];
    this.channelJson = new byte[names.length][];
    for (int c = 0; c < names.length; c++) {
      paths[c] = bytes(format.pubPath().replace("{ch}", names[c]));
      channelJson[c] = bytes("{\"channel\":\"" + names[c] + "\",\"event\":\"b\",\"data\":\"");
    }
    this.batchPath = bytes(format.batchPath());
    int laneCount = Math.max(1, Math.min(conns, names.length));
    for (int i = 0; i < laneCount; i++) {
      List<Integer> owned = new ArrayList<>();
      for (int c = i; c < names.length; c += laneCount) {
        owned.add(c);
      }
      ChannelWork w = new ChannelWork(owned.stream().mapToInt(Integer::intValue).toArray(), target, depth);
      Lane lane = new Lane(net.loop(i), target, w, depth, null);
      works.add(w);
      lanes.add(lane);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Opens the connections and waits for them. */
  void connect(Net net) {
    for (Lane l : lanes) {
      ChannelFuture f = l.conn().connect(net);
      if (!f.awaitUninterruptibly(20, TimeUnit.SECONDS) || !f.isSuccess()) {
        throw new IllegalStateException("cannot open a publisher connection to " + l.conn().target() + ": "
            + (f.cause() == null ? "timeout" : f.cause().getMessage()));
      }
    }
  }

  /**
   * Publishes {@code eventsPerSecond} in total (0: as fast as the in-flight bound allows) for
   * {@code durationNanos} ({@code Long.MAX_VALUE}: until {@link #limitPerChannel} is reached).
   */
  void begin(double eventsPerSecond, long durationNanos) {
    double requestsPerLane = eventsPerSecond / format.batch() / lanes.size();
    long interval = requestsPerLane > 0 ? (long) (1e9 / requestsPerLane) : 0;
    for (int i = 0; i < lanes.size(); i++) { // paced lanes staggered evenly over one interval: a steady load
      lanes.get(i).begin(requestsPerLane, durationNanos, pacer, interval / lanes.size() * i);
    }
  }

  /** Stops each channel after {@code n} more events (call before {@link #begin}). */
  void limitPerChannel(long n, Net net) {
    net.barrier();
    long max = 0;
    for (long s : nextSeq) {
      max = Math.max(max, s);
    }
    perChannelLimit = max + n;
  }

  /** Stops sending; what is in flight gets its answer. */
  void halt() {
    lanes.forEach(Lane::halt);
  }

  /** Waits until every lane stopped and has all its answers; false on timeout. */
  boolean awaitDone(long timeoutNanos) throws InterruptedException {
    return Lane.awaitAll(lanes, timeoutNanos);
  }


  /** Lanes whose connection closed while they were sending. */
  int lanesLost() {
    int n = 0;
    for (Lane l : lanes) {
      if (l.connectionLost()) {
        n++;
      }
    }
    return n;
  }

  void close() {
    for (Lane l : lanes) {
      l.conn().loop().loop().execute(() -> l.conn().close());
    }
  }

  /** Events stored (2xx) on channel {@code c}; read after {@link Net#barrier()}. */
  long stored(int c) {
    return stored[c];
  }

  long storedTotal() {
    long n = 0;
    for (long s : stored) {
      n += s;
    }
    return n;
  }

  long failedTotal() {
    long n = 0;
    for (long f : failed) {
      n += f;
    }
    return n;
  }

  /** Requests answered, answered with an error status, or lost with their connection. */
  long[] requestCounts() {
    long ok = 0;
    long errors = 0;
    long dead = 0;
    for (ChannelWork w : works) {
      ok += w.okRequests;
      errors += w.errorRequests;
      dead += w.deadRequests;
    }
    return new long[] {ok, errors, dead};
  }

  /** The status codes of failed requests (after a barrier). */
  java.util.Map<Integer, Long> errorStatuses() {
    java.util.Map<Integer, Long> m = new java.util.TreeMap<>();
    for (ChannelWork w : works) {
      w.errorStatuses.forEach((k, v) -> m.merge(k, v, Long::sum));
    }
    return m;
  }

  /** Publish request latency (send to answer), merged (after a barrier). */
  LogHistogram latency() {
    LogHistogram h = new LogHistogram();
    works.forEach(w -> h.add(w.latency));
    return h;
  }

  /** The work of one lane: its channels in turn, one or a batch of events per request. */
  private final class ChannelWork implements Lane.Work {
    private final int[] owned;
    private final byte[] hostLine;
    private final ByteBuf body = io.netty.buffer.Unpooled.buffer(256);
    private final int[][] inFlightChannels;
    private int ringHead;
    private int ringSize;
    private int turn;
    final LogHistogram latency = new LogHistogram();
    final java.util.Map<Integer, Long> errorStatuses = new java.util.TreeMap<>();
    long okRequests;
    long errorRequests;
    long deadRequests;

    ChannelWork(int[] owned, Target target, int depth) {
      this.owned = owned;
      this.hostLine = (" HTTP/1.1\r\nHost: " + target.hostHeader() + "\r\nContent-Type: "
          + (format.json() || format.batch() > 1 ? "application/json" : "text/plain") + "\r\nContent-Length: ")
          .getBytes(StandardCharsets.US_ASCII);
      this.inFlightChannels = new int[Math.max(depth, 1)][format.batch()];
    }

    /** The next of this lane's channels in turn that is below the per-channel limit, or -1. */
    private int nextOpenChannel() {
      for (int tries = 0; tries < owned.length; tries++) {
        int c = owned[turn];
        turn = (turn + 1) % owned.length;
        if (nextSeq[c] < perChannelLimit) {
          return c;
        }
      }
      return -1;
    }

    @Override
    public boolean send(HttpConn conn) {
      int b = format.batch();
      int[] chs = inFlightChannels[(ringHead + ringSize) % inFlightChannels.length];
      for (int k = 0; k < b; k++) {
        int c = nextOpenChannel();
        if (c < 0) {
          if (k == 0) {
            return false;
          }
          b = k;
          break;
        }
        chs[k] = c;
        nextSeq[c]++; // reserved here, written below
      }
      for (int k = 0; k < b; k++) {
        nextSeq[chs[k]]--;
      }
      ByteBuf body = this.body;
      body.clear();
      long now = Clock.micros();
      boolean batched = format.batch() > 1;
      if (batched) {
        body.writeByte('[');
      }
      for (int k = 0; k < b; k++) {
        int c = chs[k];
        long seq = ++nextSeq[c];
        if (k > 0) {
          body.writeByte(',');
        }
        if (batched) {
          body.writeBytes(channelJson[c]);
          Payload.write(body, c, seq, now, format.padding());
          body.writeBytes(QUOTE_BRACE);
        } else if (format.json()) {
          body.writeBytes(EVENT_JSON);
          Payload.write(body, c, seq, now, format.padding());
          body.writeBytes(QUOTE_BRACE);
        } else {
          Payload.write(body, c, seq, now, format.padding());
        }
      }
      if (batched) {
        body.writeByte(']');
      }
      if (b < chs.length) {
        chs[b] = -1;
      }
      ByteBuf req = conn.alloc().buffer(body.readableBytes() + 160);
      req.writeBytes(POST);
      req.writeBytes(batched ? batchPath : paths[chs[0]]);
      req.writeBytes(hostLine);
      Payload.writeDecimal(req, body.readableBytes());
      req.writeBytes(CRLF2);
      req.writeBytes(body);
      ringSize++;
      conn.send(req);
      return true;
    }

    @Override
    public void answered(HttpConn conn, int status, long latencyNanos) {
      int[] chs = inFlightChannels[ringHead];
      ringHead = (ringHead + 1) % inFlightChannels.length;
      ringSize--;
      boolean ok = status >= 200 && status < 300;
      for (int c : chs) {
        if (c < 0) {
          break;
        }
        if (ok) {
          stored[c]++;
        } else {
          failed[c]++;
        }
      }
      if (ok) {
        okRequests++;
        latency.record(latencyNanos / 1000);
      } else if (status < 0) {
        deadRequests++;
      } else {
        errorRequests++;
        errorStatuses.merge(status, 1L, Long::sum);
      }
    }
  }
}
