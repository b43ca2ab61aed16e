package dev.herald.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started with {@link ProcessBuilder} from an executable jar ({@code java <flags> -jar <jar> <args>}),
 * or any command a test needs beside one, its output in a file for diagnosis: a Herald node, the example bus
 * client, a Redis in a network namespace. It is stopped by its own
 * {@link Process} handle only — {@link #kill()} (SIGKILL), {@link #terminate()} (SIGTERM) — and the
 * testkit's shutdown hook kills it if the test JVM dies first.
 */
public final class JavaProcess {
  /** The JVM flags Hazelcast wants on JDK 17, and a small heap. */
  public static final List<String> CLUSTER_FLAGS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
      "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private final String name;
  private final Process process;
  private final Path log;

  private JavaProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * The jar a module of this build packaged: {@code <module>/target/<file>}, the module found from the
   * directory the tests run in (a module of the same reactor).
   *
   * @throws IllegalStateException when it is not there (the package phase has not run)
   */
  public static Path builtJar(String module, String file) {
    Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = here; dir != null; dir = dir.getParent()) {
      Path jar = dir.resolve(module).resolve("target").resolve(file);
      if (Files.isRegularFile(jar)) {
        return jar;
      }
      if (Files.isRegularFile(dir.resolve(module).resolve("pom.xml"))) {
        throw new IllegalStateException(jar + " is missing: package " + module + " first (mvn -pl " + module
            + " package, or the whole build)");
      }
    }
    throw new IllegalStateException("no module " + module + " above " + here);
  }

  /** Starts {@code java <flags> -jar <jar> <args>}, output to {@code dir/<name>.log}. */
  public static JavaProcess start(String name, Path dir, List<String> flags, Path jar, List<String> args) {
    return start(name, dir, List.of(), flags, jar, args);
  }

  /**
   * Starts {@code <wrapper> java <flags> -jar <jar> <args>}: the wrapper is a command that runs the JVM, e.g.
   * {@code prlimit --nofile=512:512 --}.
   */
  public static JavaProcess start(String name, Path dir, List<String> wrapper, List<String> flags, Path jar,
                                  List<String> args) {
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(javaCommand(flags, jar, args));
    return launch(name, dir, command, null);
  }

  /** {@code java <flags> -jar <jar> <args>} with this JVM's {@code java}. */
  public static List<String> javaCommand(List<String> flags, Path jar, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(flags);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    return command;
  }

  /**
   * Starts any {@code command} (a JVM, or a wrapper that execs one: {@code ip netns exec}, {@code unshare},
   * {@code setpriv}, {@code chroot} keep the PID the program's own), output to {@code dir/<name>.log}.
   *
   * @param env the whole environment of the process (as a container gets it), or {@code null} to inherit this
   *            JVM's
   */
  public static JavaProcess launch(String name, Path dir, List<String> command, Map<String, String> env) {
    Path log = dir.resolve(name + ".log");
    try {
      Files.createDirectories(dir);
      ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      if (env != null) {
        b.environment().clear();
        b.environment().putAll(env);
      }
      Process p = b.start();
      Reaper.track(p);
      p.onExit().thenRun(() -> Reaper.untrack(p));
      return new JavaProcess(name, p, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL ({@code kill -9}): the process gets no chance to do anything. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(20));
  }

  /** SIGTERM: a Herald node drains, leaves the cluster and exits. */
  public void terminate() {
    process.destroy();
  }

  /** Waits for the process to end; its exit code, or -1 when it still runs after {@code within}. */
  public int awaitExit(Duration within) {
    try {
      return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Kills it if it still runs (test clean-up). */
  public void destroy() {
    if (process.isAlive()) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(20));
    }
  }

  /** Its whole output so far. */
  public List<String> output() {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of("(no log: " + e.getMessage() + ")");
    }
  }

  /** The last lines of its output, for failure messages. */
  public String logTail(int lines) {
    List<String> all = output();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  public Path log() {
    return log;
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
