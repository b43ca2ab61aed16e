package dev.herald.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@code redis-server} process on a free loopback port, for tests.
 *
 * <p>Started with {@code --bind 127.0.0.1 --save "" --appendonly no --daemonize no --protected-mode no}
 * in its own temporary directory; {@link #start()} returns once it answers {@code PING}. The process is
 * stopped by its {@link Process} handle ({@link #stop()}, {@link #close()}), killed with SIGKILL
 * ({@link #kill()}), frozen and thawed with SIGSTOP/SIGCONT ({@link #pause()}, {@link #resume()}) and
 * started again on the same port ({@link #restart()}: empty unless {@link Builder#appendOnly(boolean)}).
 * A JVM shutdown hook kills it if the test never closes it. Nothing but the process this object
 * started is ever signalled.
 *
 * <p>Every method blocks the calling thread (bounded by a few seconds): call it from a test thread or
 * {@code executeBlocking}, never from an event loop.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *   RedisOptions options = new RedisOptions().setConnectionString(redis.endpoint());
 *   ...
 * }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisServer.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final int CONTROL_TIMEOUT_MS = 5_000;
  private static final int START_ATTEMPTS = 5;

  private final String binary;
  private final boolean appendOnly;
  private final boolean cluster;
  private final String password;
  private final List<String> extraArgs;
  private final Path dir;
  private int port;
  private int busPort;
  private Process process;
  private ProcessLog log;
  private boolean paused;
  private boolean closed;

  private RedisServer(Builder b) throws IOException {
    this.binary = Binaries.require("redis-server");
    this.appendOnly = b.appendOnly;
    this.cluster = b.cluster;
    this.password = b.password;
    this.extraArgs = List.copyOf(b.args);
    this.dir = Files.createTempDirectory("herald-redis-");
  }

  /** Fails with {@code "redis-server not found: bin/test installs it"} when the binary is missing. */
  public static void ensureInstalled() {
    Binaries.require("redis-server");
  }

  /** Starts a plain standalone server without persistence. */
  public static RedisServer start() throws IOException {
    return builder().start();
  }

  /** Options for a server before it starts. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder of a {@link RedisServer}. */
  public static final class Builder {
    private boolean appendOnly;
    private boolean cluster;
    private String password;
    private final List<String> args = new ArrayList<>();

    private Builder() {
    }

    /** With {@code appendonly yes} and {@code appendfsync always}: data survives {@link #kill()} and {@link #restart()}. */
    public Builder appendOnly(boolean on) {
      this.appendOnly = on;
      return this;
    }

    /** As a Redis Cluster node ({@code --cluster-enabled yes}, its own bus port and nodes.conf). */
    public Builder clusterNode(boolean on) {
      this.cluster = on;
      return this;
    }

    /** With {@code --requirepass}: clients must authenticate; {@link RedisServer#call} does. */
    public Builder password(String value) {
      this.password = value;
      return this;
    }

    /** Extra command-line arguments, e.g. {@code arg("--maxmemory", "64mb")}. */
    public Builder arg(String... more) {
      args.addAll(List.of(more));
      return this;
    }

    /** Starts the server and waits until it answers PING. */
    public RedisServer start() throws IOException {
      RedisServer s = new RedisServer(this);
      try {
        s.startOnFreePort();
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e;
      }
      return s;
    }
  }

  /** The loopback port it listens on (kept across {@link #restart()}). */
  public synchronized int port() {
    return port;
  }

  /** Its cluster bus port, or 0 when not a cluster node. */
  public synchronized int busPort() {
    return busPort;
  }

  /** Always {@code 127.0.0.1}. */
  public String host() {
    return "127.0.0.1";
  }

  /**
   * {@code redis://127.0.0.1:<port>}, a Vert.x {@code RedisOptions} connection string; with a password,
   * {@code redis://:<password>@127.0.0.1:<port>}.
   */
  public synchronized String endpoint() {
    return "redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:" + port;
  }

  /** Its working directory (AOF, nodes.conf); deleted by {@link #close()}. */
  public Path dir() {
    return dir;
  }

  /** The process id of the running server. @throws IllegalStateException when it is not running */
  public synchronized long pid() {
    requireRunning();
    return process.pid();
  }

  /** Whether the process is alive (also while paused). */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The last lines the server logged, for failure messages. */
  public synchronized String logTail() {
    return log == null ? "" : log.tail();
  }

  private void startOnFreePort() throws IOException {
    IOException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      port = Ports.free();
      busPort = cluster ? Ports.free() : 0;
      try {
        launch();
        return;
      } catch (PortTakenException e) {
        last = e;
        LOG.info("redis-server port {} was taken meanwhile, attempt {} of {}", port, attempt, START_ATTEMPTS);
      }
    }
    throw last;
  }

  private void launch() throws IOException {
    List<String> cmd = new ArrayList<>(List.of(binary,
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--protected-mode", "no",
        "--daemonize", "no", "--save", "", "--dir", dir.toString(), "--logfile", "",
        "--appendonly", appendOnly ? "yes" : "no"));
    if (appendOnly) {
      cmd.addAll(List.of("--appendfsync", "always"));
    }
    if (cluster) {
      cmd.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
          "--cluster-port", Integer.toString(busPort), "--cluster-node-timeout", "5000"));
    }
    if (password != null) {
      cmd.addAll(List.of("--requirepass", password));
    }
    cmd.addAll(extraArgs);
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    Reaper.track(p);
    process = p;
    paused = false;
    log = new ProcessLog(p, Integer.toString(port));
    try {
      boolean signalled = log.awaitReadyOrEnd(START_TIMEOUT);
      if (!p.isAlive()) {
        finished(p);
        String tail = log.tail();
        if (tail.contains("Address already in use")) {
          throw new PortTakenException("port " + port + " taken:\n" + tail);
        }
        throw new IOException("redis-server exited at start (port " + port + "):\n" + tail);
      }
      if (!signalled || !Poll.until(START_TIMEOUT, () -> "PONG".equals(call("PING")))) {
        destroy(p);
        throw new IOException("redis-server on port " + port + " did not answer PING within "
            + START_TIMEOUT.toSeconds() + " s:\n" + log.tail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      destroy(p);
      throw new IOException("interrupted while starting redis-server", e);
    }
    LOG.info("redis-server started: port {} pid {}{}", port, p.pid(), cluster ? " (cluster node)" : "");
  }

  /** Stops the server gracefully (SIGTERM, then SIGKILL after a bound); {@link #restart()} starts it again. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    if (paused) {
      resume();
    }
    destroy(process);
    LOG.info("redis-server stopped: port {}", port);
  }

  /** Kills the server with SIGKILL, like a crash. Without append-only persistence its data is gone. */
  public synchronized void kill() {
    requireRunning();
    Process p = process;
    p.destroyForcibly();
    waitFor(p, STOP_TIMEOUT);
    finished(p);
    paused = false;
    LOG.info("redis-server killed: port {} pid {}", port, p.pid());
  }

  /** Starts the server again on the same port (stopping it first if it runs), and waits for PING. */
  public synchronized void restart() throws IOException {
    ensureOpen();
    stop();
    launch();
  }

  /**
   * Freezes the server with SIGSTOP: connections stay open but nothing is answered (a hang). Returns once
   * the process is stopped (signals arrive asynchronously; on Linux this waits for state {@code T}).
   */
  public synchronized void pause() {
    requireRunning();
    signal("-STOP");
    paused = true;
    if (!Poll.until(STOP_TIMEOUT, () -> stoppedState(process.pid()) != Boolean.FALSE)) {
      throw new IllegalStateException("redis-server pid " + process.pid() + " did not stop after SIGSTOP");
    }
    LOG.info("redis-server paused (SIGSTOP): port {}", port);
  }

  /** Thaws a server frozen by {@link #pause()} (SIGCONT). */
  public synchronized void resume() {
    requireRunning();
    signal("-CONT");
    paused = false;
    if (!Poll.until(STOP_TIMEOUT, () -> stoppedState(process.pid()) != Boolean.TRUE)) {
      throw new IllegalStateException("redis-server pid " + process.pid() + " did not continue after SIGCONT");
    }
    LOG.info("redis-server resumed (SIGCONT): port {}", port);
  }

  /** Whether {@link #pause()} froze it and {@link #resume()} has not thawed it yet. */
  public synchronized boolean isPaused() {
    return paused;
  }

  /** Deletes every key ({@code FLUSHALL}). */
  public void flushAll() throws IOException {
    call("FLUSHALL");
  }

  /** Zeroes the counters that {@link #commandStats()} reads ({@code CONFIG RESETSTAT}). */
  public void resetStats() throws IOException {
    call("CONFIG", "RESETSTAT");
  }

  /**
   * Calls per command since the start or the last {@link #resetStats()}, from {@code INFO commandstats},
   * lower-case names ({@code evalsha}, {@code zadd}, {@code info}, {@code cluster|info}, ...). Commands run
   * inside scripts are counted too; each {@code INFO} that reads the figures shows up in the next read.
   */
  public Map<String, Long> commandStats() throws IOException {
    return parseCommandStats((String) call("INFO", "commandstats"));
  }

  static Map<String, Long> parseCommandStats(String info) {
    Map<String, Long> stats = new LinkedHashMap<>();
    for (String line : info.split("\r?\n")) {
      if (!line.startsWith("cmdstat_")) {
        continue;
      }
      int colon = line.indexOf(':');
      String name = line.substring("cmdstat_".length(), colon);
      for (String field : line.substring(colon + 1).split(",")) {
        if (field.startsWith("calls=")) {
          stats.put(name, Long.parseLong(field.substring("calls=".length())));
        }
      }
    }
    return stats;
  }

  /**
   * Runs one command on a fresh connection and answers its reply ({@code String}, {@code Long},
   * {@code List<Object>} or {@code null}).
   *
   * @throws RedisCommandException on an error reply
   * @throws IOException when the server does not answer within a few seconds
   */
  public Object call(String... args) throws IOException {
    return Resp.call(port(), CONTROL_TIMEOUT_MS, password, args);
  }

  /** Stops the process (if running) and deletes its directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop();
    deleteDir();
  }

  private void requireRunning() {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException("redis-server on port " + port + " is not running");
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("redis-server on port " + port + " is closed");
    }
  }

  private void signal(String sig) {
    long pid = process.pid();
    try {
      Process k = new ProcessBuilder("kill", sig, Long.toString(pid)).redirectErrorStream(true).start();
      if (!k.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || k.exitValue() != 0) {
        k.destroyForcibly();
        throw new IllegalStateException("kill " + sig + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill " + sig + " " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling redis-server", e);
    }
  }

  /** Whether the process is stopped (state T), from /proc; {@code null} where there is no /proc. */
  private static Boolean stoppedState(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String text = Files.readString(stat);
      char state = text.charAt(text.lastIndexOf(')') + 2);
      return state == 'T' || state == 't';
    } catch (IOException | RuntimeException noProc) {
      return null;
    }
  }

  private void destroy(Process p) {
    if (p.isAlive()) {
      p.destroy();
      if (!waitFor(p, STOP_TIMEOUT)) {
        p.destroyForcibly();
        waitFor(p, STOP_TIMEOUT);
      }
    }
    finished(p);
  }

  private void finished(Process p) {
    Reaper.untrack(p);
    if (process == p) {
      process = null;
      paused = false;
    }
  }

  private static boolean waitFor(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return false;
    }
  }

  private void deleteDir() {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.toString());
    }
  }

  @Override
  public String toString() {
    return "RedisServer[" + endpoint() + "]";
  }

  /** The chosen port was bound by someone else between the check and the start. */
  private static final class PortTakenException extends IOException {
    private static final long serialVersionUID = 1L;

    PortTakenException(String message) {
      super(message);
    }
  }
}
