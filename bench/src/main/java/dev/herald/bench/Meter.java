package dev.herald.bench;

/**
 * Server and load-tool resource figures for one phase of a run: RSS before and after, CPU time,
 * cores used on average, and CPU time per unit of work (delivery, publish, beat).
 */
final class Meter {
  private final ProcStats.Snapshot server;
  private final ProcStats.Snapshot self;

  private Meter(ProcStats.Snapshot server, ProcStats.Snapshot self) {
    this.server = server;
    this.self = self;
  }

  /** Takes the snapshots that start a phase. */
  static Meter start(Run run) {
    return new Meter(run.server(), ProcStats.self());
  }

  /** Ends the phase: adds its figures to {@code r}, per {@code units} of {@code unit} (e.g. "delivery"). */
  void end(Run run, Report r, long units, String unit) {
    ProcStats.Snapshot server2 = run.server();
    ProcStats.Snapshot self2 = ProcStats.self();
    if (server != null) {
      ProcStats.Snapshot d = server2.minus(server);
      double wallMs = d.atNanos() / 1e6;
      r.section("server (/proc, " + server2.processes() + " process" + (server2.processes() == 1 ? "" : "es") + ")")
          .put("server_rss_kib_before", "RSS before", server.rssKib(), "KiB")
          .put("server_rss_kib_after", "RSS after", server2.rssKib(), "KiB")
          .put("server_cpu_ms", "CPU time", d.cpuMillis(), "ms")
          .put("server_sys_ms", "of which in the kernel", d.sysMillis(), "ms")
          .put("server_cores_used", "cores used (CPU / wall)", Report.round(d.cpuMillis() / Math.max(1, wallMs), 2), "")
          .put("server_cpu_us_per_" + unit, "CPU per " + unit.replace('_', ' '),
              Report.round(units == 0 ? 0 : d.cpuMillis() * 1000.0 / units, 2), "µs");
    }
    ProcStats.Snapshot d = self2.minus(self);
    double wallMs = d.atNanos() / 1e6;
    r.section("load tool (this process)")
        .put("tool_cpu_ms", "CPU time", d.cpuMillis(), "ms")
        .put("tool_sys_ms", "of which in the kernel", d.sysMillis(), "ms")
        .put("tool_cores_used", "cores used (CPU / wall)", Report.round(d.cpuMillis() / Math.max(1, wallMs), 2), "")
        .put("tool_cpu_us_per_" + unit, "CPU per " + unit.replace('_', ' '),
            Report.round(units == 0 ? 0 : d.cpuMillis() * 1000.0 / units, 2), "µs")
        .json("tool_rss_kib", self2.rssKib());
  }
}
