package dev.herald.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local Redis Cluster of three masters and no replicas, for tests: three {@link RedisServer}s with
 * {@code --cluster-enabled yes}, joined by {@code redis-cli --cluster create ... --cluster-replicas 0
 * --cluster-yes}. {@link #start()} returns once {@code CLUSTER INFO} says {@code cluster_state:ok} with
 * all 16384 slots on every node. {@link #close()} stops all three; the testkit's shutdown hook kills them
 * if a test never closes it. Blocking, like {@link RedisServer}: call from a test thread.
 */
public final class RedisCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisCluster.class);
  private static final int MASTERS = 3;
  private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final List<RedisServer> nodes;

  private RedisCluster(List<RedisServer> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /** Fails with a clear message when redis-server or redis-cli is missing. */
  public static void ensureInstalled() {
    Binaries.require("redis-server");
    Binaries.require("redis-cli");
  }

  /** Starts three cluster-enabled servers, creates the cluster and waits until it is ok everywhere. */
  public static RedisCluster start() throws IOException {
    String cli = Binaries.require("redis-cli");
    List<RedisServer> started = new ArrayList<>();
    try {
      for (int i = 0; i < MASTERS; i++) {
        started.add(RedisServer.builder().clusterNode(true).start());
      }
      RedisCluster cluster = new RedisCluster(started);
      cluster.create(cli);
      cluster.awaitOk();
      LOG.info("redis cluster up: {}", cluster.endpoints());
      return cluster;
    } catch (IOException | RuntimeException e) {
      started.forEach(RedisServer::close);
      throw e;
    }
  }

  private void create(String cli) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(cli, "--cluster", "create"));
    for (RedisServer n : nodes) {
      cmd.add("127.0.0.1:" + n.port());
    }
    cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Path logFile = nodes.get(0).dir().resolve("cluster-create.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    Reaper.track(p);
    try {
      if (!p.waitFor(CREATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException("redis-cli --cluster create did not finish within " + CREATE_TIMEOUT.toSeconds()
            + " s:\n" + Files.readString(logFile, StandardCharsets.UTF_8));
      }
      if (p.exitValue() != 0) {
        throw new IOException("redis-cli --cluster create failed (" + p.exitValue() + "):\n"
            + Files.readString(logFile, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while creating the cluster", e);
    } finally {
      Reaper.untrack(p);
    }
  }

  private void awaitOk() throws IOException {
    for (RedisServer n : nodes) {
      boolean ok = Poll.until(READY_TIMEOUT, () -> {
        String info = (String) n.call("CLUSTER", "INFO");
        return info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384")
            && info.contains("cluster_known_nodes:" + MASTERS);
      });
      if (!ok) {
        throw new IOException("cluster not ok on port " + n.port() + " within " + READY_TIMEOUT.toSeconds()
            + " s: " + n.call("CLUSTER", "INFO"));
      }
    }
  }

  /** The three masters' {@code redis://127.0.0.1:<port>} endpoints, for a CLUSTER mode Vert.x client. */
  public List<String> endpoints() {
    List<String> out = new ArrayList<>();
    for (RedisServer n : nodes) {
      out.add(n.endpoint());
    }
    return out;
  }

  /** The three master processes (to kill, pause or read one of them). */
  public List<RedisServer> nodes() {
    return nodes;
  }

  /** {@code FLUSHALL} on every master. */
  public void flushAll() throws IOException {
    for (RedisServer n : nodes) {
      n.flushAll();
    }
  }

  /** {@code CONFIG RESETSTAT} on every master. */
  public void resetStats() throws IOException {
    for (RedisServer n : nodes) {
      n.resetStats();
    }
  }

  /** Calls per command summed over the masters (see {@link RedisServer#commandStats()}). */
  public Map<String, Long> commandStats() throws IOException {
    Map<String, Long> sum = new TreeMap<>();
    for (RedisServer n : nodes) {
      n.commandStats().forEach((k, v) -> sum.merge(k, v, Long::sum));
    }
    return sum;
  }

  /** Stops every master and deletes their directories. Idempotent. */
  @Override
  public void close() {
    for (RedisServer n : nodes) {
      n.close();
    }
  }

  @Override
  public String toString() {
    return "RedisCluster" + endpoints();
  }
}
