package dev.herald.bench;

import dev.herald.bench.chart.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code bench merge --in part1.json --in part2.json ... [--label L] [--out results.jsonl]}: the fan-out
 * runs of several load-tool processes that drove ONE server side by side (same {@code --start-at}, so
 * one measured window; disjoint channels) as one JSON line of the same shape. Counts and rates are
 * summed; delivery latency percentiles come from the merged histograms (each part run with
 * {@code --latency-buckets}; else the worst part's, said in {@code latency_merge}); publish latency is
 * the worst part's; the server's CPU and RSS were measured by every part over (nearly) the same window,
 * so the merged server CPU is their mean, per delivery of all parts together.
 */
final class Merge {
  private static final Set<String> SUM = Set.of("subscribers", "channels", "rate_target", "pub_conns", "connected",
      "connect_failed", "expected", "delivered", "lost", "duplicated", "out_of_order", "subscribers_complete",
      "received_total", "unexpected", "gap_events", "foreign_events", "drops", "reconnects", "published",
      "published_total", "publish_errors", "publish_rate", "requests_per_s", "requests_ok", "requests_error",
      "requests_connection_lost", "deliveries_measured", "deliveries_per_s", "subscribers_open_at_end",
      "tool_cpu_ms", "tool_sys_ms", "tool_cores_used", "tool_rss_kib", "latency_count", "publish_latency_count");
  private static final Set<String> MEAN = Set.of("server_cpu_ms", "server_sys_ms", "server_cores_used",
      "server_connect_cpu_ms");

  private Merge() {
  }

  static boolean handles(String mode) {
    return mode.equals("merge");
  }

  /** Runs {@code merge --in ...}; returns the exit status (0, or 2 for bad options or input). */
  static int run(String[] args) {
    List<Map<String, Object>> parts = new ArrayList<>();
    String label = null;
    String out = null;
    try {
      for (int i = 1; i < args.length; i += 2) {
        String v = i + 1 < args.length ? args[i + 1] : null;
        if (v == null) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        switch (args[i]) {
          case "--in" -> {
            for (String line : Files.readAllLines(Path.of(v), StandardCharsets.UTF_8)) {
              if (!line.isBlank()) {
                parts.add(Json.object(line));
              }
            }
          }
          case "--label" -> label = v;
          case "--out" -> out = v;
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (parts.isEmpty()) {
        throw new IllegalArgumentException("give --in FILE (a fan-out JSON line per part)");
      }
      for (Map<String, Object> p : parts) {
        if (!"fanout".equals(p.get("mode"))) {
          throw new IllegalArgumentException("only fan-out runs merge, not " + p.get("mode"));
        }
      }
      String json = merge(parts, label).jsonLine();
      System.out.println(json);
      if (out != null) {
        Files.writeString(Path.of(out), json + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
      return 0;
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("bench merge: " + e.getMessage());
      System.err.println("usage: bench merge --in part.json [--in part.json ...] [--label L] [--out results.jsonl]");
      return 2;
    }
  }

  static Report merge(List<Map<String, Object>> parts, String label) {
    Report r = new Report();
    boolean ok = true;
    List<Object> notes = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      ok &= Boolean.TRUE.equals(parts.get(i).get("ok"));
      if (parts.get(i).get("notes") instanceof List<?> l) {
        for (Object n : l) {
          notes.add("part " + (i + 1) + ": " + n);
        }
      }
    }
    for (Map.Entry<String, Object> e : parts.get(0).entrySet()) {
      String k = e.getKey();
      if (k.equals("latency_buckets") || k.equals("notes") || k.equals("ok")) {
        continue;
      }
      Object v = e.getValue();
      if (k.equals("label") && label != null) {
        v = label;
      } else if (k.equals("error_statuses")) {
        v = statuses(parts);
      } else if (v instanceof Number) {
        v = SUM.contains(k) ? round(sum(parts, k)) : MEAN.contains(k) ? round(sum(parts, k) / parts.size())
            : k.endsWith("_ms") || k.endsWith("_us") || k.endsWith("_s") || k.startsWith("server_rss") ? round(max(parts, k))
            : v;
      }
      r.json(k, v);
    }
    double deliveries = sum(parts, "deliveries_measured");
    if (deliveries > 0) {
      r.json("server_cpu_us_per_delivery", round(sum(parts, "server_cpu_ms") / parts.size() * 1000 / deliveries));
      r.json("tool_cpu_us_per_delivery", round(sum(parts, "tool_cpu_ms") * 1000 / deliveries));
    }
    r.json("latency_merge", latency(parts, r) ? "histograms" : "worst of the processes");
    r.json("processes", parts.size());
    if (!notes.isEmpty()) {
      r.json("notes", notes);
    }
    return r.json("ok", ok);
  }

  /** Percentiles from the parts' histograms when every part has one; false (worst parts kept) when not. */
  private static boolean latency(List<Map<String, Object>> parts, Report r) {
    LogHistogram h = new LogHistogram();
    double weighted = 0;
    for (Map<String, Object> p : parts) {
      if (!(p.get("latency_buckets") instanceof List<?> buckets)) {
        return false;
      }
      for (Object b : buckets) {
        List<?> pair = (List<?>) b;
        h.record(((Number) pair.get(0)).longValue(), ((Number) pair.get(1)).longValue());
      }
      weighted += num(p, "latency_mean_us") * num(p, "latency_count");
    }
    h.limitMax((long) max(parts, "latency_max_us"));
    Report l = new Report().latency("latency", "latency", h);
    for (String k : List.of("latency_p50_us", "latency_p90_us", "latency_p99_us", "latency_p999_us", "latency_max_us")) {
      r.json(k, l.get(k));
    }
    r.json("latency_mean_us", Report.round(h.count() == 0 ? 0 : weighted / h.count(), 1));
    return true;
  }

  private static Map<String, Long> statuses(List<Map<String, Object>> parts) {
    Map<String, Long> m = new TreeMap<>();
    for (Map<String, Object> p : parts) {
      if (p.get("error_statuses") instanceof Map<?, ?> s) {
        s.forEach((k, v) -> m.merge(String.valueOf(k), ((Number) v).longValue(), Long::sum));
      }
    }
    return m;
  }

  private static double num(Map<String, Object> p, String k) {
    return p.get(k) instanceof Number n ? n.doubleValue() : 0;
  }

  private static double sum(List<Map<String, Object>> parts, String k) {
    double s = 0;
    for (Map<String, Object> p : parts) {
      s += num(p, k);
    }
    return s;
  }

  private static double max(List<Map<String, Object>> parts, String k) {
    double m = 0;
    for (Map<String, Object> p : parts) {
      m = Math.max(m, num(p, k));
    }
    return m;
  }

  /** Whole numbers stay whole in the JSON line. */
  private static Object round(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v : (Object) Report.round(v, 2);
  }
}
