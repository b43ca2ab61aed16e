package dev.herald.gateway;

import dev.herald.gateway.config.ConfigException;
import dev.herald.gateway.config.ConfigKeys;
import dev.herald.gateway.config.ConfigLoader;
import dev.herald.gateway.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.net.BindException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The program: {@code java -jar gateway/target/herald.jar [--config FILE] [--KEY=VALUE …]} (docs/deploy.md).
 * Reads the configuration, starts one node (joining the cluster first with {@code cluster.enabled}),
 * logs one line with its URL when it is ready, and on SIGTERM / Ctrl-C drains it ({@link HeraldNode#drain()}:
 * not ready, no new streams, open streams sent elsewhere over {@code cluster.drainWindow}), stops it,
 * closes Vert.x (leaving the cluster) and exits 0. When it cannot start it prints one line saying why and
 * exits non-zero: {@value #BAD_CONFIG} for a bad configuration or command line, {@value #CANNOT_START}
 * when the node fails to start (a port in use, …).
 */
public final class Main {
  /** Exit code: the node failed to start. */
  public static final int CANNOT_START = 1;
  /** Exit code: the configuration or command line is invalid, or asks for what this build lacks. */
  public static final int BAD_CONFIG = 2;

  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private Main() {
  }

  public static void main(String[] args) {
    // before Netty makes its first channel: a failed accept() is logged once per interval, not each second
    WireAdapter.routeAcceptFailures(Connections::acceptFailed);
    List<String> tuned = ConfigLoader.wantsHelp(args) ? List.of() : HeapTuning.apply();
    Launch launch = launch(args, System.getenv(), System.out, System.err);
    if (launch.running() != null) {
      Running running = launch.running();
      if (!tuned.isEmpty()) {
        log(running.config).info("JVM heap sized for many open streams: {} (options given to the JVM win)",
            String.join(", ", tuned));
      }
      // Hazelcast's own hook is off (ClusterSetup): this one drains, leaves the cluster cleanly, then
      // ends the JVM with 0 (a plain SIGTERM exit would be 143) or 1 when the stop did not finish in time.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> Runtime.getRuntime().halt(running.stopAndWait()
          ? 0 : CANNOT_START), "herald-shutdown"));
    } else if (launch.exitCode() != 0) {
      System.exit(launch.exitCode());
    }
  }

  /**
   * What {@link #launch} did: an exit code and, when a node runs, the running node.
   *
   * @param running the started node, or {@code null} when none runs (help printed, or a failure)
   */
  public record Launch(int exitCode, Running running) {
  }

  /** A started node and its Vert.x. */
  public static final class Running {
    private final Vertx vertx;
    private final HeraldNode node;
    private final HeraldConfig config;
    private final String url;

    Running(Vertx vertx, HeraldNode node, HeraldConfig config, String url) {
      this.vertx = vertx;
      this.node = node;
      this.config = config;
      this.url = url;
    }

    public HeraldNode node() {
      return node;
    }

    /** The URL a browser on this machine opens ({@code localhost} when bound to every address). */
    public String url() {
      return url;
    }

    /** Drains the node, stops it and closes Vert.x (leaving the cluster). */
    public Future<Void> stop() {
      return node.drain().eventually(node::stop).transform(ar -> {
        if (ar.failed()) {
          log(config).warn("node {} did not stop cleanly: {}", node.nodeId(), ar.cause().getMessage());
        }
        return vertx.close();
      });
    }

    /** {@link #stop()} and wait for it, bounded (the JVM shutdown hook); true when it stopped cleanly in time. */
    boolean stopAndWait() {
      Logger log = log(config);
      log.info("Herald stopping (node {})", node.nodeId());
      Duration bound = config.cluster().drainWindow().plus(STOP_GRACE);
      try {
        stop().toCompletionStage().toCompletableFuture().get(bound.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Herald stopped (node {})", node.nodeId());
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (ExecutionException | TimeoutException e) {
        log.warn("Herald did not stop within {} ms: {}", bound.toMillis(), String.valueOf(e.getMessage()));
        return false;
      }
    }
  }

  /**
   * Everything {@link #main} does except installing the shutdown hook and exiting: reads the
   * configuration from {@code args} and {@code env}, starts a node and waits until it is ready.
   * Messages for the user go to {@code out} (help) and {@code err} (one line when it cannot start).
   */
  public static Launch launch(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (ConfigLoader.wantsHelp(args)) {
      out.print(Usage.text());
      return new Launch(0, null);
    }
    HeraldConfig config;
    try {
      config = ConfigLoader.load(args, env);
      refuseWhatThisBuildLacks(config);
    } catch (ConfigException e) {
      err.println("herald: " + e.getMessage());
      return new Launch(BAD_CONFIG, null);
    }
    String nodeId = HeraldNode.newNodeId();
    Vertx vertx;
    if (config.cluster().enabled()) {
      try {
        vertx = ClusterSetup.start(config.cluster(), nodeId).toCompletionStage().toCompletableFuture()
            .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        err.println("herald: cannot start: interrupted");
        return new Launch(CANNOT_START, null);
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        err.println("herald: cannot start: " + explainCluster(cause, config));
        return new Launch(CANNOT_START, null);
      }
    } else {
      vertx = Vertx.vertx(nodeOptions(new VertxOptions()));
    }
    try {
      HeraldNode node = HeraldNode.start(vertx, config, nodeId).toCompletionStage().toCompletableFuture()
          .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      String url = readyUrl(config.http().host(), node.port());
      log(config).info("Herald ready at {} (node {})", url, node.nodeId());
      return new Launch(0, new Running(vertx, node, config, url));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close(vertx);
      err.println("herald: cannot start: interrupted");
      return new Launch(CANNOT_START, null);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      close(vertx);
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof ConfigException ce) {
        err.println("herald: " + ce.getMessage());
        return new Launch(BAD_CONFIG, null);
      }
      err.println("herald: cannot start: " + explain(cause, config));
      return new Launch(CANNOT_START, null);
    }
  }

  /**
   * What a node asks of Vert.x, clustered or not: Linux's epoll transport where Netty's native library loads
   * (the jar carries it for x86-64 and aarch64; elsewhere Vert.x falls back to Java's NIO and the node says
   * so at start). Measured against NIO: 5-23 % less CPU per delivery over many channels, most of it kernel
   * time (docs/benchmarks.md), and a closed socket's file is released at once instead of at its loop's next
   * select.
   */
  static VertxOptions nodeOptions(VertxOptions options) {
    return options.setPreferNativeTransport(true);
  }

  /**
   * Refuses, naming the key, the roles and cluster settings that cannot run together ({@link ClusterRules}) —
   * before any port is taken.
   */
  static void refuseWhatThisBuildLacks(HeraldConfig config) {
    ClusterRules.checkLaunch(config);
  }

  /** The URL to print: {@code localhost} for the wildcard address, brackets around an IPv6 literal. */
  static String readyUrl(String host, int port) {
    String h = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "localhost"
        : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "http://" + h + ":" + port + "/";
  }

  /** One line saying why the node could not join its cluster. */
  static String explainCluster(Throwable e, HeraldConfig config) {
    HeraldConfig.Cluster c = config.cluster();
    Throwable root = e;
    String all = String.valueOf(e.getMessage());
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
      all += " " + root.getMessage();
    }
    if (root instanceof BindException || all.contains("bind") || all.contains("Address already in use")) {
      return "cannot listen on cluster.port " + c.port() + " or cluster.busPort " + c.busPort() + " on cluster.host "
          + c.host() + " (in use, or not an address of this machine; choose others with --cluster.port, "
          + "--cluster.busPort, --cluster.host)";
    }
    if (e instanceof TimeoutException) {
      return "the node did not join cluster '" + c.name() + "' within " + START_TIMEOUT.toSeconds() + " s";
    }
    return "cannot join cluster '" + c.name() + "': " + (root.getClass().getSimpleName() + ": "
        + root.getMessage()).replace('\n', ' ');
  }

  /** One line saying why the node did not start. */
  static String explain(Throwable e, HeraldConfig config) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(root.getMessage());
    if (root instanceof BindException || message.contains("Address already in use")) {
      return "http.port " + config.http().port() + " on " + config.http().host()
          + " is already in use (choose another with --http.port=PORT)";
    }
    if (message.contains("Cannot assign requested address")) {
      return "http.host " + config.http().host() + " is not an address of this machine";
    }
    if (e instanceof TimeoutException) {
      return "the node was not ready within " + START_TIMEOUT.toSeconds() + " s";
    }
    return (root.getClass().getSimpleName() + ": " + message).replace('\n', ' ');
  }

  private static void close(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // exiting anyway
    }
  }

  private static Logger log(HeraldConfig config) {
    return LoggerFactory.getLogger(config.name());
  }

  /** The {@code --help} text: usage, then every key with its default and variable. */
  static final class Usage {
    private Usage() {
    }

    static String text() {
      StringBuilder b = new StringBuilder();
      b.append("Usage: java -jar herald.jar [--config FILE] [--KEY=VALUE | --KEY VALUE]...\n\n")
          .append("Starts one Herald node: presence, channels over Server-Sent Events, replay.\n")
          .append("Settings come from FILE (YAML or JSON, nested or dotted keys; also $")
          .append(ConfigLoader.CONFIG_ENV).append("),\nthen environment variables HERALD_<KEY>, then flags; ")
          .append("later ones win.\nDurations: seconds, or 250ms, 2s, 10m, 1h, 1d. ")
          .append("Sizes: bytes, or 64KiB, 1MiB, 1GiB (KB, MB, GB are 1000-based).\n\n");
      int width = 0;
      for (ConfigKeys.Key k : ConfigKeys.all()) {
        width = Math.max(width, k.name().length());
      }
      b.append(String.format("%-" + width + "s  %-12s %s%n", "KEY", "DEFAULT", "MEANING (VARIABLE)"));
      for (ConfigKeys.Key k : ConfigKeys.all()) {
        String def = k.defaultText().isEmpty() ? "-" : k.defaultText();
        String choices = k.type() == ConfigKeys.Type.CHOICE ? " [" + String.join("|", k.choices()) + "]" : "";
        b.append(String.format("%-" + width + "s  %-12s %s%s (%s)%n", k.name(), def, k.help(), choices, k.env()));
      }
      b.append("\nExit codes: 0 running/stopped cleanly, ").append(CANNOT_START).append(" cannot start, ")
          .append(BAD_CONFIG).append(" bad configuration.\n");
      return b.toString();
    }
  }
}
