package dev.herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Resident memory and CPU time of processes, from {@code /proc/<pid>/status} ({@code VmRSS}) and
 * {@code /proc/<pid>/stat} (utime + stime), and this process's open-file limit.
 */
final class ProcStats {
  /** Clock ticks per second of the stat times: {@code getconf CLK_TCK}, 100 on Linux. */
  static final long CLK_TCK = clockTicks();

  /** RSS (KiB) and CPU time (ms) summed over some processes at one moment. */
  record Snapshot(long rssKib, long userMillis, long sysMillis, int processes, long atNanos) {
    /** User plus system CPU time. */
    long cpuMillis() {
      return userMillis + sysMillis;
    }

    Snapshot minus(Snapshot before) {
      return new Snapshot(rssKib - before.rssKib, userMillis - before.userMillis, sysMillis - before.sysMillis,
          processes, atNanos - before.atNanos);
    }
  }

  private ProcStats() {
  }

  /** The snapshot of {@code pids} (and their descendants when {@code children}); null when no pid given. */
  static Snapshot read(List<Long> pids, boolean children) {
    if (pids.isEmpty()) {
      return null;
    }
    Set<Long> all = new LinkedHashSet<>(pids);
    if (children) {
      List<Long> queue = new ArrayList<>(pids);
      while (!queue.isEmpty()) {
        long p = queue.remove(queue.size() - 1);
        for (long c : children(p)) {
          if (all.add(c)) {
            queue.add(c);
          }
        }
      }
    }
    long rss = 0;
    long user = 0;
    long sys = 0;
    int n = 0;
    for (long pid : all) {
      try {
        rss += rssKib(Files.readString(Path.of("/proc/" + pid + "/status")));
        long[] t = cpuTicks(Files.readString(Path.of("/proc/" + pid + "/stat")));
        user += t[0];
        sys += t[1];
        n++;
      } catch (IOException e) {
        if (pids.contains(pid)) {
          throw new IllegalStateException("cannot read /proc/" + pid + " (is the server still running?)", e);
        }
      }
    }
    return new Snapshot(rss, user * 1000 / CLK_TCK, sys * 1000 / CLK_TCK, n, System.nanoTime());
  }

  /** This process's own snapshot. */
  static Snapshot self() {
    return read(List.of(ProcessHandle.current().pid()), false);
  }

  static long rssKib(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
      }
    }
    return 0;
  }

  /** {utime, stime} (fields 14 and 15) of a {@code /proc/<pid>/stat} line, in clock ticks. */
  static long[] cpuTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // f[0] is field 3 (state); utime is field 14, stime field 15
    return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
  }

  private static List<Long> children(long pid) {
    List<Long> out = new ArrayList<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        String c = Files.readString(t.resolve("children")).trim();
        if (!c.isEmpty()) {
          for (String s : c.split("\\s+")) {
            out.add(Long.parseLong(s));
          }
        }
      }
    } catch (IOException e) {
      // gone, or no children file: no children
    }
    return out;
  }

  /** {soft, hard} limit of open files of this process (-1: unlimited). */
  static long[] openFileLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String[] f = line.substring("Max open files".length()).trim().split("\\s+");
          return new long[] {limit(f[0]), limit(f[1])};
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return new long[] {-1, -1};
  }

  /** Open file descriptors of this process now. */
  static int openFiles() {
    String[] fds = new java.io.File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  private static long limit(String s) {
    return s.equals("unlimited") ? -1 : Long.parseLong(s);
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      long v = Long.parseLong(out);
      return v > 0 ? v : 100;
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
