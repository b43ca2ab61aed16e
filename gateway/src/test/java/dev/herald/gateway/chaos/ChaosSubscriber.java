package dev.herald.gateway.chaos;

import dev.herald.replay.api.Cursor;
import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseParser;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client following a few channels over one SSE stream ({@code envelope=1}) the way a browser's
 * {@code EventSource} does, that also hops: every 2–4 s it drops its stream and reconnects to another
 * node with {@code Last-Event-ID} (not away from a node out of service: that one ends its streams
 * itself). When the server ends the stream it reconnects after the last {@code retry:} it was told; a
 * reconnect that fails (refused, or not 200) counts as failed and is tried again on another node.
 * A <em>pinned</em> subscriber never hops and always (re)connects to its home node, whatever the
 * balancer says: the client of a partition test, on one side of the cut. Every event is recorded with
 * the time it arrived. Runs on its own context; read its figures after it stopped.
 */
final class ChaosSubscriber extends ChaosVerticle {
  /** One received event of a channel, and when it arrived (ms). */
  record Got(long epoch, long seq, String data, long at) {
  }

  /** A stream lost at {@code at} (ms) on node {@code from}, and the next one open {@code ms} later. */
  record Recovery(long at, String from, long ms) {
  }

  final String name;
  private final List<String> channels;
  private final Balancer balancer;
  /** The node a pinned subscriber stays on, or null for one that hops. */
  private final HeraldProcess home;
  final Map<String, List<Got>> received = new HashMap<>();
  final List<String> gaps = new ArrayList<>();
  final List<String> failures = new ArrayList<>();
  /** Milliseconds from a stream lost (ended by the server or the network) to the next stream that opened. */
  final List<Recovery> recoveries = new ArrayList<>();
  int hops;
  int serverEnds;
  int streams;
  /** One line per stream, for failure messages. */
  final List<String> journal = new ArrayList<>();
  private HttpClient http;
  private String lastId;
  private long retryMs = 1_000;
  private Connection current;
  private long lostAt = -1;
  private String lostFrom;
  private boolean stopping;

  private final class Connection {
    final HeraldProcess node;
    final String resumedFrom;
    final long at = System.currentTimeMillis();
    final Map<String, long[]> span = new HashMap<>();
    HttpClientResponse response;
    boolean closedByUs;
    boolean over;
    long hopTimer = -1;

    Connection(HeraldProcess node, String resumedFrom) {
      this.node = node;
      this.resumedFrom = resumedFrom;
    }

    /** One journal line: where, from which position, which seqs per channel it brought, how it ended. */
    String line(String end) {
      StringBuilder b = new StringBuilder().append(at).append(' ').append(node.name).append(" from ")
          .append(resumedFrom).append(':');
      span.forEach((ch, s) -> b.append(' ').append(ch).append('=').append(s[0]).append("..").append(s[1]));
      return b.append(" -> ").append(end).toString();
    }
  }

  ChaosSubscriber(String name, List<String> channels, Balancer balancer) {
    this(name, channels, balancer, null);
  }

  /** A subscriber pinned to {@code home} (or, with {@code home} null, one that hops). */
  ChaosSubscriber(String name, List<String> channels, Balancer balancer, HeraldProcess home) {
    this.name = name;
    this.channels = List.copyOf(channels);
    this.balancer = balancer;
    this.home = home;
    channels.forEach(c -> received.put(c, new ArrayList<>()));
  }

  List<String> channels() {
    return channels;
  }

  @Override
  public Future<?> start() {
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setConnectTimeout(2_000));
    connect(null);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (current != null) {
      closeByUs(current);
    }
    return http.close();
  }

  int count() {
    return received.values().stream().mapToInt(List::size).sum();
  }

  private void connect(HeraldProcess avoid) {
    if (stopping) {
      return;
    }
    HeraldProcess node = home != null ? home : balancer.pick(avoid);
    if (node == null) {
      failures.add(now() + " no node in service");
      vertx.setTimer(200, id -> connect(null));
      return;
    }
    StringBuilder uri = new StringBuilder("/v1/stream?envelope=1");
    channels.forEach(c -> uri.append("&channel=").append(c));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(node.host)
        .setPort(node.httpPort).putHeader("Accept", "text/event-stream");
    if (lastId == null) {
      uri.append("&lastEventId=earliest");
    } else {
      options.putHeader("Last-Event-ID", lastId);
    }
    options.setURI(uri.toString());
    Connection c = new Connection(node, lastId == null ? "earliest" : positions(lastId));
    current = c;
    http.request(options).compose(req -> req.send()).onComplete(ar -> {
      if (current != c || stopping) {
        if (ar.succeeded()) {
          ar.result().request().connection().close();
        }
        return;
      }
      if (ar.failed() || ar.result().statusCode() != 200) {
        failures.add(now() + " " + node.name + ": " + (ar.failed() ? ar.cause().toString()
            : ar.result().statusCode() + " " + ar.result().statusMessage()));
        if (ar.succeeded()) {
          ar.result().request().connection().close();
        }
        vertx.setTimer(200, id -> connect(node));
        return;
      }
      opened(c, ar.result());
    });
  }

  private void opened(Connection c, HttpClientResponse response) {
    streams++;
    c.response = response;
    if (lostAt >= 0) {
      recoveries.add(new Recovery(lostAt, lostFrom, System.currentTimeMillis() - lostAt));
      lostAt = -1;
    }
    SseParser parser = new SseParser(new SseParser.Listener() {
      @Override
      public void event(SseEvent event) {
        onEvent(event);
      }

      @Override
      public void retry(long millis) {
        retryMs = millis;
      }
    });
    response.handler(chunk -> {
      active = c;
      parser.feed(chunk);
    });
    response.endHandler(v -> ended(c, "end"));
    response.exceptionHandler(e -> ended(c, e.toString()));
    response.request().connection().closeHandler(v -> ended(c, "closed"));
    if (home != null) {
      return;
    }
    c.hopTimer = vertx.setTimer(2_000 + ThreadLocalRandom.current().nextLong(2_000), id -> {
      // A node out of service keeps its streams until it ends them itself (a drain): no hop away from it.
      if (current == c && !stopping && balancer.inService(c.node)) {
        hops++;
        closeByUs(c);
        connect(c.node);
      }
    });
  }

  private static String positions(String id) {
    StringBuilder b = new StringBuilder();
    for (Cursor.Position p : Cursor.decode(id).positions()) {
      b.append(b.length() == 0 ? "" : ",").append(p.seq());
    }
    return b.toString();
  }

  private void closeByUs(Connection c) {
    if (!c.over) {
      journal.add(c.line("hop"));
    }
    c.closedByUs = true;
    c.over = true;
    vertx.cancelTimer(c.hopTimer);
    if (c.response != null) {
      c.response.request().connection().close();
    }
  }

  private void ended(Connection c, String why) {
    if (c.over) {
      return;
    }
    journal.add(c.line("ended: " + why));
    c.over = true;
    vertx.cancelTimer(c.hopTimer);
    if (c.closedByUs || current != c || stopping) {
      return;
    }
    serverEnds++;
    lostAt = System.currentTimeMillis();
    lostFrom = c.node.name;
    vertx.setTimer(Math.max(1, retryMs), id -> connect(c.node));
  }

  private Connection active;

  private void onEvent(SseEvent e) {
    if ("herald.gap".equals(e.type())) {
      gaps.add(now() + " " + e.data());
      return;
    }
    JsonObject envelope = new JsonObject(e.data());
    String channel = envelope.getString("channel");
    Cursor.Position p = Cursor.decode(e.id()).find(channel);
    received.get(channel).add(new Got(p.epoch(), p.seq(), envelope.getValue("data").toString(),
        System.currentTimeMillis()));
    if (active != null) {
      long[] s = active.span.computeIfAbsent(channel, k -> new long[] {p.seq(), p.seq()});
      s[1] = p.seq();
    }
    lastId = e.id();
  }

  /** True while its stream is open on {@code node}. */
  boolean on(HeraldProcess node) {
    return current != null && current.node == node && current.response != null && !current.over;
  }

  /** Where it stands, for failure messages. */
  String describe() {
    StringBuilder b = new StringBuilder(name).append(": ");
    received.forEach((ch, got) -> b.append(ch).append(" has ").append(got.size()).append(" (last seq ")
        .append(got.isEmpty() ? "-" : got.get(got.size() - 1).seq()).append(") "));
    b.append("; now on ").append(current == null ? "-" : current.node.name)
        .append(current != null && current.response != null && !current.over ? " (open)" : " (not open)")
        .append("; streams ").append(streams).append(", hops ").append(hops).append(", server ends ").append(serverEnds)
        .append(", failures ").append(failures.size()).append(", last id ").append(lastId);
    received.forEach((ch, got) -> {
      List<Long> missing = new ArrayList<>();
      List<Long> twice = new ArrayList<>();
      java.util.Set<Long> seen = new java.util.HashSet<>();
      long max = 0;
      for (Got g : got) {
        if (!seen.add(g.seq())) {
          twice.add(g.seq());
        }
        max = Math.max(max, g.seq());
      }
      for (long s = 1; s <= max; s++) {
        if (!seen.contains(s)) {
          missing.add(s);
        }
      }
      b.append("\n  ").append(ch).append(": missing ").append(missing).append(", twice ").append(twice);
    });
    journal.forEach(j -> b.append("\n  ").append(j));
    return b.toString();
  }

  private String now() {
    return name + " @" + System.currentTimeMillis();
  }

  @Override
  public String toString() {
    return name + " " + channels;
  }
}
