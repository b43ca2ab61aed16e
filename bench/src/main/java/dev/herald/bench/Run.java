package dev.herald.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * What every mode needs: the options, the targets (checked to be loopback), the event loops, the
 * server processes to measure and the channel names of this run; and the report's common head.
 */
final class Run implements AutoCloseable {
  final Options options;
  final List<Target> targets = new ArrayList<>();
  final Target pubTarget;
  final Net net;
  final List<Long> serverPids = new ArrayList<>();
  final boolean serverChildren;
  final String runId = Long.toString(System.currentTimeMillis(), 36);

  Run(Options options) {
    this.options = options;
    boolean remote = options.bool("allow-remote");
    for (String url : options.list("target")) {
      targets.add(Target.parse(url, remote));
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("--target needs at least one URL");
    }
    pubTarget = options.has("pub-target") ? Target.parse(options.str("pub-target"), remote) : targets.get(0);
    for (String p : options.list("server-pid")) {
      try {
        serverPids.add(Long.parseLong(p));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--server-pid takes process ids, not '" + p + "'");
      }
    }
    serverChildren = options.bool("server-children");
    try {
      ProcStats.read(serverPids, serverChildren); // fails now, not after the load, when a pid is wrong
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("--server-pid: " + e.getMessage());
    }
    int threads = (int) options.num("threads");
    if (threads < 1 || threads > 64) {
      throw new IllegalArgumentException("--threads is 1 to 64");
    }
    net = new Net(threads, (int) Math.min(Integer.MAX_VALUE, options.num("connect-timeout") * 1000));
  }

  /** The channel names of this run: {@code <prefix><i>}, fresh per run unless --channel-prefix is given. */
  String[] channelNames(int count) {
    String prefix = options.has("channel-prefix") ? options.str("channel-prefix") : "bench-" + runId + "-";
    String[] names = new String[count];
    for (int i = 0; i < count; i++) {
      names[i] = prefix + i;
    }
    return names;
  }

  /** The servers' RSS and CPU now, or null without --server-pid. */
  ProcStats.Snapshot server() {
    return ProcStats.read(serverPids, serverChildren);
  }

  /** Fails with a clear message when {@code connections} would pass this process's open-file limit. */
  void checkOpenFiles(long connections) {
    long[] lim = ProcStats.openFileLimit();
    long soft = lim[0];
    if (soft < 0) {
      return;
    }
    long need = connections + ProcStats.openFiles() + 64;
    if (need > soft) {
      long per = Math.max(1, soft - ProcStats.openFiles() - 200);
      long procs = (connections + per - 1) / per;
      throw new IllegalArgumentException(String.format(
          "%,d connections need about %,d open files, but this process may hold %,d (hard limit %s; it cannot be "
              + "raised here, and the server is bound by the same limit). Run %d load-tool processes side by side "
              + "with --subscribers %,d or fewer each (distinct --channel-prefix only if they must not share "
              + "channels), and add their figures.",
          connections, need, soft, lim[1] < 0 ? "unlimited" : String.format("%,d", lim[1]), procs, per));
    }
  }

  long millis(String key, long modeDefault) {
    return options.num(key, modeDefault) * 1000;
  }

  /** The head of every report. */
  Report head() {
    Report r = new Report();
    r.section("run")
        .put("mode", "mode", options.mode(), null)
        .put("label", "label", options.has("label") ? options.str("label") : "", null)
        .put("date", "date (UTC)", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), null)
        .put("targets", "targets", String.join(",", targets.stream().map(Target::toString).toList()), null)
        .put("tool_threads", "load-tool event loops", net.size(), null)
        .json("cores", Runtime.getRuntime().availableProcessors())
        .json("options", options.given());
    return r;
  }

  @Override
  public void close() {
    net.close();
  }
}
