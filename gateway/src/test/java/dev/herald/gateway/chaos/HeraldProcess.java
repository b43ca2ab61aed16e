package dev.herald.gateway.chaos;

import dev.herald.testkit.JavaProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One Herald JVM started from {@code gateway/target/herald.jar} ({@link JavaProcess}), with the ports it
 * was given. It is stopped by its own process handle only: {@link #kill()} (SIGKILL, like {@code kill -9}),
 * {@link #terminate()} (SIGTERM: the node drains and leaves).
 */
public final class HeraldProcess {
  final String name;
  final int httpPort;
  final int hazelcastPort;
  private final JavaProcess process;

  private HeraldProcess(String name, int httpPort, int hazelcastPort, JavaProcess process) {
    this.name = name;
    this.httpPort = httpPort;
    this.hazelcastPort = hazelcastPort;
    this.process = process;
  }

  /** Starts {@code java <flags> -jar herald.jar <args>}, output to {@code dir/<name>.log}. */
  public static HeraldProcess start(String name, Path dir, int httpPort, int hazelcastPort, List<String> args) {
    return start(name, dir, httpPort, hazelcastPort, args, List.of());
  }

  /** Starts {@code <wrapper> java <flags> -jar herald.jar <args>}, e.g. under {@code prlimit --nofile=512 --}. */
  public static HeraldProcess start(String name, Path dir, int httpPort, int hazelcastPort, List<String> args,
                                    List<String> wrapper) {
    return new HeraldProcess(name, httpPort, hazelcastPort, JavaProcess.start(name, dir, wrapper,
        JavaProcess.CLUSTER_FLAGS, JavaProcess.builtJar("gateway", "herald.jar"), args));
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
    return name + " (pid " + process.pid() + ", http " + httpPort + ", hazelcast " + hazelcastPort + ")";
  }
}
