package dev.herald.testkit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One JVM shutdown hook that kills the processes this testkit started and that are still running, so
 * a test that dies (or a JVM that is told to exit) leaves no redis-server behind. Only processes
 * registered here — each started by this testkit — are ever touched.
 */
final class Reaper {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Reaper::reapAll, "herald-testkit-reaper"));
  }

  private Reaper() {
  }

  static void track(Process p) {
    LIVE.add(p);
  }

  static void untrack(Process p) {
    LIVE.remove(p);
  }

  private static void reapAll() {
    for (Process p : LIVE) {
      // SIGKILL also ends a process stopped by SIGSTOP (pause()); no time for a graceful stop here.
      p.destroyForcibly();
    }
  }
}
