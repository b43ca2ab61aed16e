package dev.herald.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.testkit.JavaProcess;
import dev.herald.testkit.Poll;
import dev.herald.testkit.Ports;
import dev.herald.testkit.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example bus client, as another project would run it: its own JVM ({@code target/bus-client.jar}),
 * joining a cluster of two real Herald nodes ({@code gateway/target/herald.jar}) on a real redis-server.
 * While it follows a channel, publishers on both nodes (over HTTP) and the client itself (over the bus)
 * publish at once; the client must get every event once, in sequence order, equal to the history. A
 * client given the wrong cluster name must say so and stop, not "join" alone.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BusClientIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int PER_NODE = 150;
  private static final int OWN = 100;
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final Path DIR = Path.of(System.getProperty("user.dir"), "target", "bus-client-it-" + RUN);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static RedisServer redis;
  private static final List<JavaProcess> processes = new ArrayList<>();
  private static final List<Integer> httpPorts = new ArrayList<>();
  private static String members;

  @BeforeAll
  static void startHerald() throws IOException {
    redis = RedisServer.start();
    List<Integer> hz = List.of(Ports.free(), Ports.free());
    members = hz.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    for (int i = 0; i < 2; i++) {
      int http = Ports.free();
      httpPorts.add(http);
      processes.add(JavaProcess.start("node" + (i + 1), DIR, JavaProcess.CLUSTER_FLAGS,
          JavaProcess.builtJar("gateway", "herald.jar"), List.of("--http.host=127.0.0.1", "--http.port=" + http,
              "--http.instances=2", "--name=bus" + RUN, "--store.type=redis", "--store.redis.host=127.0.0.1",
              "--store.redis.port=" + redis.port(), "--cluster.enabled=true", "--cluster.name=bus-" + RUN,
              "--cluster.host=127.0.0.1", "--cluster.port=" + hz.get(i), "--cluster.members=" + members,
              "--cluster.drainWindow=1s")));
    }
    for (int i = 0; i < 2; i++) {
      JavaProcess node = processes.get(i);
      int port = httpPorts.get(i);
      Poll.await(node + " ready in a cluster of two", WAIT, () -> {
        if (!node.alive()) {
          throw new AssertionError(node + " exited:\n" + node.logTail(40));
        }
        return get(port, "/health/ready").statusCode() == 200
            && get(port, "/v1/stats").body().contains("\"members\":2");
      });
    }
  }

  @AfterAll
  static void stopHerald() {
    processes.forEach(JavaProcess::destroy);
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void followsAChannelInOrderWhilePublishersOnBothNodesRace() throws Exception {
    String channel = "race-" + RUN;
    int expect = 2 * PER_NODE + OWN;
    JavaProcess client = client("client", "bus-" + RUN, channel, expect);
    try {
      Poll.await("the client to follow " + channel, WAIT, () -> {
        if (!client.alive()) {
          throw new AssertionError("the client exited:\n" + client.logTail(40));
        }
        return client.output().stream().anyMatch(l -> l.startsWith("READY"));
      });
      List<CompletableFuture<Void>> publishers = new ArrayList<>();
      for (int port : httpPorts) {
        for (int half = 0; half < 2; half++) {
          int from = half * PER_NODE / 2;
          publishers.add(CompletableFuture.runAsync(() -> publish(port, channel, from, PER_NODE / 2)));
        }
      }
      CompletableFuture.allOf(publishers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      int code = client.awaitExit(WAIT);
      String out = String.join("\n", client.output());
      assertEquals(0, code, out);
      assertTrue(out.contains("RESULT ok followed " + expect + " events in order"), out);
      assertTrue(out.contains("INFO node "), out);
      assertTrue(out.contains("PRESENCE connect") && out.contains("PRESENCE disconnect"), out);
    } finally {
      client.destroy();
    }
  }

  @Test
  void aWrongClusterNameFailsClearlyInsteadOfJoiningAlone() {
    JavaProcess client = client("wrong-name", "not-" + RUN, "never-" + RUN, 1, "--wait=3000");
    try {
      int code = client.awaitExit(WAIT);
      String out = String.join("\n", client.output());
      assertEquals(2, code, out);
      assertTrue(out.contains("RESULT no-herald"), out);
      assertTrue(out.contains("with 1 member (only itself"), out);
      assertTrue(out.contains("herald.info") || out.contains(".info"), out);
    } finally {
      client.destroy();
    }
  }

  @Test
  void theClientJarHoldsTheApisAndNoneOfHeraldsServer() throws IOException {
    List<String> herald = new ArrayList<>();
    try (ZipFile jar = new ZipFile(JavaProcess.builtJar("examples/bus-client", "bus-client.jar").toFile())) {
      jar.stream().map(ZipEntry::getName).forEach(name -> {
        assertFalse(name.startsWith("io/vertx/redis/"), "the Redis client: " + name);
        assertFalse(name.startsWith("io/micrometer/"), "Micrometer: " + name);
        assertFalse(name.startsWith("io/vertx/ext/web/"), "Vert.x Web: " + name);
        if (name.startsWith("dev/herald/") && name.endsWith(".class")) {
          herald.add(name);
        }
      });
    }
    for (String name : herald) {
      assertTrue(name.matches("dev/herald/(heartbeat|replay|gateway)/api/.*|dev/herald/(bus|cluster|example)/.*"),
          "only Herald's apis (with bus-request, how their clients send), its cluster helper and the example: "
              + name);
    }
    assertTrue(herald.stream().anyMatch(n -> n.startsWith("dev/herald/replay/api/ChannelFollower")), herald::toString);
  }

  private static JavaProcess client(String name, String clusterName, String channel, int expect, String... more) {
    List<String> args = new ArrayList<>(List.of("--cluster.name=" + clusterName, "--cluster.members=" + members,
        "--cluster.host=127.0.0.1", "--cluster.port=" + Ports.free(), "--name=bus" + RUN, "--channel=" + channel,
        "--publish=" + OWN, "--expect=" + expect));
    args.addAll(List.of(more));
    return JavaProcess.start(name, DIR, JavaProcess.CLUSTER_FLAGS, JavaProcess.builtJar("examples/bus-client",
        "bus-client.jar"), args);
  }

  /** {@code n} events one after another (each waits for its 201), as a publisher would. */
  private static void publish(int port, String channel, int from, int n) {
    for (int i = from; i < from + n; i++) {
      HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/channels/" + channel
              + "/events")).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"http\",\"data\":{\"port\":" + port + ",\"n\":" + i
              + "}}")).timeout(Duration.ofSeconds(10)).build();
      try {
        HttpResponse<String> response = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
          throw new AssertionError("publish answered " + response.statusCode() + ": " + response.body());
        }
      } catch (IOException e) {
        throw new AssertionError("publish failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
