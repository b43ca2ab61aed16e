package dev.herald.gateway.chaos;

import dev.herald.replay.api.Cursor;
import dev.herald.testkit.Poll;
import dev.herald.testkit.Ports;
import dev.herald.testkit.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * One chaos run: a {@code redis-server} and three Herald JVMs clustered on loopback ({@link #startCluster}),
 * or nodes a test started in a {@link NetLab} ({@link #adopt}); and the clients — publishers on every node,
 * hopping subscribers, presence sessions and two presence observers ({@link #startWorkload}), or, for a
 * partition, pinned clients on every node ({@link #startPinnedWorkload}) — then a fault, then the checks.
 * The test drives it from its own thread.
 */
final class ChaosRun implements AutoCloseable {
  static final int NODES = 3;
  static final List<String> CHANNELS = List.of("chaos-a", "chaos-b", "chaos-c", "chaos-d");
  static final int SUBSCRIBERS = 6;
  static final int SESSIONS_PER_NODE = 3;
  static final Duration EXPIRE = Duration.ofSeconds(3);
  static final Duration PURGE = Duration.ofSeconds(1);
  static final Duration DRAIN_WINDOW = Duration.ofSeconds(3);
  static final Duration WAIT = Duration.ofSeconds(45);
  static final Duration FORMING = Duration.ofSeconds(120);

  final String runId = UUID.randomUUID().toString().substring(0, 8);
  final Path dir;
  final Vertx vertx = Vertx.vertx();
  final List<HeraldProcess> nodes = new java.util.concurrent.CopyOnWriteArrayList<>();
  final List<ChaosSubscriber> subscribers = new ArrayList<>();
  final List<ChaosPublisher> publishers = new ArrayList<>();
  final List<ChaosObserver> observers = new ArrayList<>();
  final Map<String, Object> figures = new LinkedHashMap<>();
  RedisServer redis;
  Balancer balancer;
  /** Every channel's history as {@link #settleAndCheck} read it. */
  Map<String, List<JsonObject>> settled;
  ChaosSessions sessions;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ChaosRun(String name) {
    dir = Path.of(System.getProperty("user.dir"), "target", "chaos", name + "-" + runId);
  }

  /** Starts Redis and the three nodes, and waits until each is ready and sees the others. */
  void startCluster() throws IOException {
    Files.createDirectories(dir);
    redis = RedisServer.start();
    List<Integer> hz = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      hz.add(Ports.free());
    }
    String members = hz.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    long began = System.nanoTime();
    for (int i = 0; i < NODES; i++) {
      int httpPort = Ports.free();
      nodes.add(HeraldProcess.start("node" + (i + 1), dir, httpPort, hz.get(i), List.of(
          "--http.host=127.0.0.1", "--http.port=" + httpPort, "--http.instances=2", "--name=chaos" + runId,
          "--store.type=redis", "--store.redis.host=127.0.0.1", "--store.redis.port=" + redis.port(),
          "--cluster.enabled=true", "--cluster.name=chaos-" + runId, "--cluster.host=127.0.0.1",
          "--cluster.port=" + hz.get(i), "--cluster.members=" + members,
          "--cluster.drainWindow=" + DRAIN_WINDOW.toMillis() + "ms",
          "--heartbeat.beatDelay=1s", "--heartbeat.expireDelay=" + EXPIRE.toSeconds() + "s",
          "--heartbeat.purgeDelay=" + PURGE.toSeconds() + "s",
          "--sse.retryTimeout=1s", "--sse.pingInterval=5s", "--history.maxEvents=100000")));
    }
    awaitCluster(NODES);
    figures.put("cluster ready in ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    startBalancer();
  }

  /** Takes a node a test started (in a lab network) into the run; the balancer learns of it too. */
  void adopt(HeraldProcess node) {
    nodes.add(node);
    if (balancer != null) {
      balancer.add(node);
    }
  }

  /**
   * Waits until every node is ready and sees {@code members} members. (Nodes that start together on a
   * loaded machine may take a minute or more to form their cluster: up to {@link #FORMING} each.)
   */
  void awaitCluster(int members) {
    for (HeraldProcess node : nodes) {
      awaitReady(node, members);
    }
  }

  /** Waits until {@code node} answers ready and sees {@code members} members. */
  void awaitReady(HeraldProcess node, int members) {
    waitUntil(() -> {
      if (!node.alive()) {
        throw new AssertionError(node + " exited:\n" + node.logTail(40));
      }
      return status(node, "/health/ready") == 200 && members(node) == members;
    }, node + " ready in a cluster of " + members, FORMING);
  }

  void startBalancer() {
    balancer = new Balancer(vertx, nodes);
    balancer.start();
  }

  /** Observers, sessions, subscribers and publishers, in that order. */
  void startWorkload() {
    startWorkload(ChaosSessions.Mode.MIXED, ChaosPublisher.PAUSE_MS);
  }

  /**
   * Two observers (on the first two nodes), sessions ({@code sessions} mode), hopping subscribers and a
   * publisher per node (the first {@value #NODES}) that retries elsewhere, an event every {@code pauseMs},
   * in that order.
   */
  void startWorkload(ChaosSessions.Mode sessionsMode, long pauseMs) {
    for (int i = 0; i < 2; i++) {
      ChaosObserver o = new ChaosObserver(nodes.get(i));
      observers.add(o);
      await(vertx.deployVerticle(o));
    }
    sessions = new ChaosSessions(nodes, SESSIONS_PER_NODE, balancer, sessionsMode);
    await(vertx.deployVerticle(sessions));
    for (int i = 0; i < SUBSCRIBERS; i++) {
      List<String> follows = List.of(CHANNELS.get(i % CHANNELS.size()), CHANNELS.get((i + 1) % CHANNELS.size()));
      ChaosSubscriber s = new ChaosSubscriber("sub" + i, follows, balancer);
      subscribers.add(s);
      await(vertx.deployVerticle(s));
    }
    for (int i = 0; i < NODES; i++) {
      ChaosPublisher p = new ChaosPublisher(i, nodes.get(i), CHANNELS, balancer, runId, false, pauseMs);
      publishers.add(p);
      await(vertx.deployVerticle(p));
    }
  }

  /**
   * The clients of a partition test, each on one node for the whole run: an observer, {@code subscribersPerNode}
   * pinned subscribers (each following two of the channels from their start), a pinned publisher (one event
   * every {@code pauseMs} to two of the channels, never retried) and {@code sessionsPerNode} persistent
   * sessions.
   */
  void startPinnedWorkload(int subscribersPerNode, long pauseMs, int sessionsPerNode) {
    for (HeraldProcess node : nodes) {
      ChaosObserver o = new ChaosObserver(node);
      observers.add(o);
      await(vertx.deployVerticle(o));
    }
    sessions = new ChaosSessions(nodes, sessionsPerNode, balancer, ChaosSessions.Mode.PERSISTENT);
    await(vertx.deployVerticle(sessions));
    int n = 0;
    for (HeraldProcess node : nodes) {
      for (int i = 0; i < subscribersPerNode; i++, n++) {
        List<String> follows = List.of(CHANNELS.get(n % CHANNELS.size()), CHANNELS.get((n + 1) % CHANNELS.size()));
        ChaosSubscriber s = new ChaosSubscriber(node.name + "-sub" + i, follows, balancer, node);
        subscribers.add(s);
        await(vertx.deployVerticle(s));
      }
    }
    for (int i = 0; i < nodes.size(); i++) {
      // Publisher i feeds two channels, so some channels are fed from one side of a cut only: their
      // subscribers on the other side learn of those events from the store alone (no local publish
      // reveals a hole to them).
      List<String> feeds = List.of(CHANNELS.get(i % CHANNELS.size()), CHANNELS.get((i + 1) % CHANNELS.size()));
      ChaosPublisher p = new ChaosPublisher(i, nodes.get(i), feeds, balancer, runId, true, pauseMs);
      publishers.add(p);
      await(vertx.deployVerticle(p));
    }
  }

  /**
   * The end of a run, publishers stopped: reads every channel's history from the first node, waits until
   * every subscriber holds all of it, stops the subscribers, stops the sessions and waits for their
   * disconnects, then runs {@code check} over every client's record; its figures join the run's.
   */
  HistoryCheck.Report settleAndCheck(HistoryCheck check) {
    Map<String, List<JsonObject>> history = histories(nodes.get(0));
    Map<String, Integer> sizes = new java.util.HashMap<>();
    history.forEach((ch, events) -> sizes.put(ch, events.size()));
    awaitSubscribersCaughtUp(sizes);
    stopSubscribers();
    stopSessionsAndAwaitDisconnects();
    settled = history;
    HistoryCheck.Report report = check.check(history, attempts(), subscribers, observers);
    figures.putAll(report.figures);
    return report;
  }

  /** Stops every subscriber (each closes its stream). */
  void stopSubscribers() {
    for (ChaosSubscriber s : subscribers) {
      await(vertx.undeploy(s.deploymentID()));
    }
  }

  /**
   * Stops every session still beating, waits until each session life any observer heard connect has a
   * disconnect some observer heard, lets one purge period more pass (for a late duplicate to show), then
   * stops the observers.
   */
  void stopSessionsAndAwaitDisconnects() {
    await(sessions.onContext(sessions::stopAll).compose(f -> f));
    waitUntil(() -> {
      java.util.Set<String> open = new java.util.HashSet<>();
      java.util.Set<String> closed = new java.util.HashSet<>();
      for (ChaosObserver o : observers) {
        await(o.onContext(() -> {
          o.sessions.forEach((id, heard) -> heard.forEach(h -> (h.type().equals("disconnect") ? closed : open)
              .add(id + " " + h.connectedAt())));
          return null;
        }));
      }
      return closed.containsAll(open);
    }, "a disconnect for every session life");
    runFor(PURGE.plusMillis(500));
    for (ChaosObserver o : observers) {
      await(vertx.undeploy(o.deploymentID()));
    }
  }

  /** Every publish attempt of every publisher (publishers stopped). */
  List<ChaosPublisher.Attempt> attempts() {
    List<ChaosPublisher.Attempt> all = new ArrayList<>();
    publishers.forEach(p -> all.addAll(p.attempts));
    return all;
  }

  /** Every channel's retained events, read from {@code node}. */
  Map<String, List<JsonObject>> histories(HeraldProcess node) {
    Map<String, List<JsonObject>> all = new LinkedHashMap<>();
    for (String ch : CHANNELS) {
      all.put(ch, history(node, ch));
    }
    return all;
  }

  /** Lets the workload run for {@code d} (the test thread waits on a timer). */
  void runFor(Duration d) {
    await(vertx.timer(d.toMillis(), TimeUnit.MILLISECONDS));
  }

  /** Subscribers whose stream is open on {@code node} now. */
  int subscribersOn(HeraldProcess node) {
    int n = 0;
    for (ChaosSubscriber s : subscribers) {
      if (await(s.onContext(() -> s.on(node)))) {
        n++;
      }
    }
    return n;
  }

  /** The sum of a counter over the nodes still running, read from their {@code /metrics}. */
  long counter(String name) {
    long sum = 0;
    for (HeraldProcess node : nodes) {
      if (!node.alive()) {
        continue;
      }
      for (String line : get(node, "/metrics").split("\n")) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }

  /** Stops the publishers (each after its event in flight is acknowledged). */
  void stopPublishers() {
    await(Future.all(publishers.stream().map(ChaosPublisher::finish).toList()));
  }

  /** Every retained event of {@code channel}, read page by page from {@code node}: id and data. */
  List<JsonObject> history(HeraldProcess node, String channel) {
    List<JsonObject> all = new ArrayList<>();
    String after = null;
    while (true) {
      String uri = "/v1/channels/" + channel + "/events?limit=1000" + (after == null ? "" : "&after=" + after);
      JsonObject page = new JsonObject(get(node, uri));
      if (page.getBoolean("gap")) {
        throw new AssertionError("history of " + channel + " reports a gap: " + page.encode());
      }
      JsonArray events = page.getJsonArray("events");
      events.forEach(o -> all.add((JsonObject) o));
      if (events.size() < 1000) {
        return all;
      }
      after = events.getJsonObject(events.size() - 1).getString("id");
    }
  }

  /** Waits until every subscriber holds at least {@code sizes} events of each of its channels. */
  void awaitSubscribersCaughtUp(Map<String, Integer> sizes) {
    for (ChaosSubscriber s : subscribers) {
      try {
        waitUntil(() -> await(s.onContext(() -> s.received.entrySet().stream()
            .allMatch(e -> e.getValue().size() >= sizes.get(e.getKey())))), s + " to catch up");
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; history sizes " + sizes + "; " + await(s.onContext(s::describe)));
      }
    }
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("timed out", e);
    }
  }

  /** Polls until {@code check} holds, failing after {@link #WAIT}. */
  static void waitUntil(BooleanSupplier check, String what) {
    waitUntil(check, what, WAIT);
  }

  /** Polls until {@code check} holds, failing after {@code within}. */
  static void waitUntil(BooleanSupplier check, String what, Duration within) {
    Poll.await(what, within, check::getAsBoolean);
  }

  int status(HeraldProcess node, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(node.url(path)))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  String get(HeraldProcess node, String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.url(path)))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new AssertionError(path + " on " + node + ": " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new AssertionError(path + " on " + node + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  int members(HeraldProcess node) {
    try {
      return new JsonObject(get(node, "/v1/stats")).getInteger("members");
    } catch (AssertionError notYet) {
      return -1;
    }
  }

  /** The sequence number of a single-channel id. */
  static long seq(String id) {
    return Cursor.decode(id).positions().get(0).seq();
  }

  /** Prints the figures and writes them next to the node logs. */
  void report(String title) {
    StringBuilder b = new StringBuilder("== ").append(title).append(" (logs in ").append(dir).append(")\n");
    figures.forEach((k, v) -> b.append(String.format("  %-58s %s%n", k, v)));
    System.out.print(b);
    try {
      Files.writeString(dir.resolve("figures.txt"), b.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      // the figures are printed anyway
    }
  }

  @Override
  public void close() {
    try {
      if (balancer != null) {
        balancer.stop();
      }
      await(vertx.close());
    } catch (RuntimeException | AssertionError e) {
      // go on stopping the processes
    }
    nodes.forEach(HeraldProcess::destroy);
    if (redis != null) {
      redis.close();
    }
  }
}
