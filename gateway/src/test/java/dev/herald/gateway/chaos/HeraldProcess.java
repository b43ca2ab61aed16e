package dev.herald.gateway.chaos;

import dev.herald.testkit.JavaProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One process of a chaos run — a Herald JVM started from {@code gateway/target/herald.jar}, or what the run
 * needs beside it (its Redis) — possibly inside a network namespace ({@link NetLab}), with the address and
 * ports the test reaches it at ({@link JavaProcess}: its output in a file, stopped by its own handle only:
 * {@link #kill()} (SIGKILL, like {@code kill -9}), {@link #terminate()} (SIGTERM: a node drains and leaves)).
 */
public final class HeraldProcess {
  final String name;
  /** The address the test reaches it at (loopback, or its address in a lab network). */
  final String host;
  final int httpPort;
  final int hazelcastPort;
  private final JavaProcess process;

  private HeraldProcess(String name, String host, int httpPort, int hazelcastPort, JavaProcess process) {
    this.name = name;
    this.host = host;
    this.httpPort = httpPort;
    this.hazelcastPort = hazelcastPort;
    this.process = process;
  }

  /** The shaded jar the build made ({@code target/herald.jar} of the gateway module). */
  static Path jar() {
    return JavaProcess.builtJar("gateway", "herald.jar");
  }

  /** {@code java <flags> -jar herald.jar <args>}, with this JVM's java. */
  static List<String> java(List<String> args) {
    return JavaProcess.javaCommand(JavaProcess.CLUSTER_FLAGS, jar(), args);
  }

  /** Starts {@code java <flags> -jar herald.jar <args>} on loopback, output to {@code dir/<name>.log}. */
  public static HeraldProcess start(String name, Path dir, int httpPort, int hazelcastPort, List<String> args) {
    return start(name, dir, httpPort, hazelcastPort, args, List.of());
  }

  /** Starts {@code <wrapper> java <flags> -jar herald.jar <args>}, e.g. under {@code prlimit --nofile=512 --}. */
  public static HeraldProcess start(String name, Path dir, int httpPort, int hazelcastPort, List<String> args,
                                    List<String> wrapper) {
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(java(args));
    return launch(name, dir, command, null, "127.0.0.1", httpPort, hazelcastPort);
  }

  /**
   * Starts {@code command}, output to {@code dir/<name>.log}.
   *
   * @param env the whole environment of the process (as a container gets it), or {@code null} to inherit
   *            this JVM's
   */
  static HeraldProcess launch(String name, Path dir, List<String> command, Map<String, String> env, String host,
                              int httpPort, int hazelcastPort) {
    return new HeraldProcess(name, host, httpPort, hazelcastPort, JavaProcess.launch(name, dir, command, env));
  }

  /** {@code http://host:port<path>}. */
  String url(String path) {
    return "http://" + host + ":" + httpPort + path;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.alive();
  }

  /** SIGKILL ({@code kill -9}): the node gets no chance to do anything. */
  public void kill() {
    process.kill();
  }

  /** SIGTERM: the node drains, leaves the cluster and exits. */
  public void terminate() {
    process.terminate();
  }

  /** Waits for the process to end; its exit code, or -1 when it still runs after {@code within}. */
  public int awaitExit(Duration within) {
    return process.awaitExit(within);
  }

  /** Kills it if it still runs (test clean-up). */
  public void destroy() {
    process.destroy();
  }

  /** The last lines of its output, for failure messages. */
  public String logTail(int lines) {
    return process.logTail(lines);
  }

  public Path log() {
    return process.log();
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ", http " + host + ":" + httpPort + ", hazelcast " + hazelcastPort + ")";
  }
}
