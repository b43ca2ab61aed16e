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
 * One chaos run: a {@code redis-server}, three Herald JVMs clustered on loopback, and the clients —
 * publishers on every node, hopping subscribers, presence sessions and two presence observers — then a
 * fault, then the checks of G1, G3 and G4. The test drives it from its own thread.
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

  final String runId = UUID.randomUUID().toString().substring(0, 8);
  final Path dir;
  final Vertx vertx = Vertx.vertx();
  final List<HeraldProcess> nodes = new ArrayList<>();
  final List<ChaosSubscriber> subscribers = new ArrayList<>();
  final List<ChaosPublisher> publishers = new ArrayList<>();
  final List<ChaosObserver> observers = new ArrayList<>();
  final Map<String, Object> figures = new LinkedHashMap<>();
  RedisServer redis;
  Balancer balancer;
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
    for (HeraldProcess node : nodes) {
      waitUntil(() -> {
        if (!node.alive()) {
          throw new AssertionError(node + " exited:\n" + node.logTail(40));
        }
        return status(node, "/health/ready") == 200 && members(node) == NODES;
      }, node + " ready in a cluster of " + NODES);
    }
    figures.put("cluster ready in ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    balancer = new Balancer(vertx, nodes);
    balancer.start();
  }

  /** Observers, sessions, subscribers and publishers, in that order. */
  void startWorkload() {
    for (int i = 0; i < 2; i++) {
      ChaosObserver o = new ChaosObserver(nodes.get(i));
      observers.add(o);
      await(vertx.deployVerticle(o));
    }
    sessions = new ChaosSessions(nodes, SESSIONS_PER_NODE, balancer);
    await(vertx.deployVerticle(sessions));
    for (int i = 0; i < SUBSCRIBERS; i++) {
      List<String> follows = List.of(CHANNELS.get(i % CHANNELS.size()), CHANNELS.get((i + 1) % CHANNELS.size()));
      ChaosSubscriber s = new ChaosSubscriber("sub" + i, follows, balancer);
      subscribers.add(s);
      await(vertx.deployVerticle(s));
    }
    for (int i = 0; i < NODES; i++) {
      ChaosPublisher p = new ChaosPublisher(i, nodes.get(i), CHANNELS, balancer, runId);
      publishers.add(p);
      await(vertx.deployVerticle(p));
    }
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
    Poll.await(what, WAIT, check::getAsBoolean);
  }

  int status(HeraldProcess node, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort + path))
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
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort + path))
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

  private int members(HeraldProcess node) {
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
