package dev.herald.gateway.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One process of a chaos run — a Herald JVM started from {@code gateway/target/herald.jar}, or what the run
 * needs beside it (its Redis) — started with {@link ProcessBuilder}, possibly inside a network namespace
 * ({@link NetLab}), its output in a file for diagnosis. {@link #host} is where the test reaches it. It is
 * stopped by its own {@link Process} handle only: {@link #kill()} (SIGKILL, like {@code kill -9}),
 * {@link #terminate()} (SIGTERM: a node drains and leaves), and a JVM shutdown hook kills every one still
 * running if a test dies first. (Wrappers such as {@code ip netns exec}, {@code unshare}, {@code setpriv}
 * and {@code chroot} exec the program, so the handle's PID is the program's own.)
 */
final class HeraldProcess {
  /** The JVM flags Hazelcast wants on JDK 17 (FACTS.md), and a small heap. */
  static final List<String> JVM_FLAGS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
      "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
        "herald-process-reaper"));
  }

  final String name;
  /** The address the test reaches it at (loopback, or its address in a lab network). */
  final String host;
  final int httpPort;
  final int hazelcastPort;
  private final Process process;
  private final Path log;

  private HeraldProcess(String name, String host, int httpPort, int hazelcastPort, Process process, Path log) {
    this.name = name;
    this.host = host;
    this.httpPort = httpPort;
    this.hazelcastPort = hazelcastPort;
    this.process = process;
    this.log = log;
  }

  /** The shaded jar the build made ({@code target/herald.jar} of the gateway module). */
  static Path jar() {
    Path jar = Path.of(System.getProperty("user.dir"), "target", "herald.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run the package phase first (mvn -pl gateway verify)");
    }
    return jar;
  }

  /** Starts {@code java <flags> -jar herald.jar <args>} on loopback, output to {@code dir/<name>.log}. */
  static HeraldProcess start(String name, Path dir, int httpPort, int hazelcastPort, List<String> args) {
    return launch(name, dir, java(args), null, "127.0.0.1", httpPort, hazelcastPort);
  }

  /** {@code java <flags> -jar herald.jar <args>}, with this JVM's java. */
  static List<String> java(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(JVM_FLAGS);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(args);
    return command;
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Starts {@code command}, output to {@code dir/<name>.log}.
   *
   * @param env the whole environment of the process (as a container gets it), or {@code null} to inherit
   *            this JVM's
   */
  static HeraldProcess launch(String name, Path dir, List<String> command, Map<String, String> env, String host,
                              int httpPort, int hazelcastPort) {
    Path log = dir.resolve(name + ".log");
    try {
      Files.createDirectories(dir);
      ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      if (env != null) {
        b.environment().clear();
        b.environment().putAll(env);
      }
      Process p = b.start();
      LIVE.add(p);
      p.onExit().thenRun(() -> LIVE.remove(p));
      return new HeraldProcess(name, host, httpPort, hazelcastPort, p, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code http://host:port<path>}. */
  String url(String path) {
    return "http://" + host + ":" + httpPort + path;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL ({@code kill -9}): the node gets no chance to do anything. */
  void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(20));
  }

  /** SIGTERM: the node drains, leaves the cluster and exits. */
  void terminate() {
    process.destroy();
  }

  /** Waits for the process to end; its exit code, or -1 when it still runs after {@code within}. */
  int awaitExit(Duration within) {
    try {
      return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Kills it if it still runs (test clean-up). */
  void destroy() {
    if (process.isAlive()) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(20));
    }
  }

  /** The last lines of its output, for failure messages. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  Path log() {
    return log;
  }

  /** A free loopback port (it may be taken between this check and its use; tests start few processes). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ", http " + host + ":" + httpPort + ", hazelcast " + hazelcastPort + ")";
  }
}
