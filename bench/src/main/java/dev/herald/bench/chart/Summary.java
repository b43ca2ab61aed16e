package dev.herald.bench.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Medians per scenario and target, and Herald/peer ratios, as Markdown tables: one table per
 * scenario, a row per target (medians over its runs), then a row per Herald target and peer with the
 * ratio Herald ÷ peer of each figure, and a row per target with its ratio to the {@code ceiling} (bench's
 * minimal raw-Netty writer: what SSE fan-out can cost at least on this machine) when that ran. Targets
 * whose name starts with {@code herald} are Herald's.
 */
final class Summary {
  /** A figure of a mode: JSON key, column title, whether more is better. */
  record Metric(String key, String title, boolean higherBetter) {
  }

  private Summary() {
  }

  static List<Metric> metrics(String mode) {
    return switch (mode) {
      case "fanout" -> List.of(
          new Metric("deliveries_per_s", "deliveries/s", true),
          new Metric("latency_p50_us", "p50 µs", false),
          new Metric("latency_p99_us", "p99 µs", false),
          new Metric("server_cpu_us_per_delivery", "server CPU µs/delivery", false),
          new Metric("server_cores_used", "server cores", false),
          new Metric("tool_cpu_us_per_delivery", "tool CPU µs/delivery", false));
      case "idle" -> List.of(
          new Metric("open_settled", "streams open", true),
          new Metric("baseline_rss_kib", "baseline RSS KiB", false),
          new Metric("settled_rss_kib", "RSS KiB (settled)", false),
          new Metric("rss_per_conn_bytes", "RSS B/conn (settled)", false),
          new Metric("rss_per_conn_end_bytes", "RSS B/conn (end)", false));
      case "replay-storm" -> List.of(
          new Metric("publish_missed_s", "publish missed s", false),
          new Metric("catch_up_s", "catch-up s", false),
          new Metric("catch_up_vs_publish", "catch-up ÷ publish", false),
          new Metric("catch_up_p99_ms", "one sub caught up p99 ms", false),
          new Metric("replay_per_s", "replayed/s", true),
          new Metric("server_cpu_us_per_replayed_delivery", "server CPU µs/replayed", false));
      case "heartbeat" -> List.of(
          new Metric("beats_per_s", "beats/s", true),
          new Metric("beat_latency_p99_us", "beat p99 µs", false),
          new Metric("server_cpu_us_per_beat", "server CPU µs/beat", false),
          new Metric("server_cores_used", "server cores", false));
      case "publish" -> List.of(
          new Metric("publish_rate", "events/s", true),
          new Metric("publish_latency_p99_us", "publish p99 µs", false),
          new Metric("server_cpu_us_per_publish", "server CPU µs/publish", false));
      default -> List.of();
    };
  }

  /** Integrity sums shown per target: lost, duplicated, out of order (and errors for heartbeat). */
  private static List<String> integrity(String mode) {
    return switch (mode) {
      case "fanout", "replay-storm" -> List.of("lost", "duplicated", "out_of_order");
      case "heartbeat" -> List.of("beats_not_connected", "beat_errors", "beats_connection_lost");
      case "publish" -> List.of("publish_errors");
      default -> List.of();
    };
  }

  /** The target every other one is also shown as a fraction of. */
  static final String CEILING = "ceiling";

  static boolean isHerald(String target) {
    return target.toLowerCase(Locale.ROOT).startsWith("herald");
  }

  static String render(List<RunRecord> runs) {
    StringBuilder b = new StringBuilder(4096);
    Map<String, List<RunRecord>> byScenario = RunRecord.group(runs, RunRecord::scenario);
    for (Map.Entry<String, List<RunRecord>> sc : byScenario.entrySet()) {
      List<RunRecord> rs = sc.getValue();
      RunRecord first = rs.get(0);
      String mode = first.mode();
      List<Metric> ms = metrics(mode);
      List<String> integ = integrity(mode);
      b.append("### ").append(sc.getKey()).append(" — ").append(describe(first)).append("\n\n");
      b.append("| target | runs | ok |");
      for (Metric m : ms) {
        b.append(' ').append(m.title()).append(" |");
      }
      if (!integ.isEmpty()) {
        b.append(' ').append(String.join(" / ", integ).replace('_', ' ')).append(" (sum) |");
      }
      b.append('\n').append("|---|---:|---:|");
      b.append("---:|".repeat(ms.size() + (integ.isEmpty() ? 0 : 1))).append('\n');
      Map<String, List<RunRecord>> byTarget = RunRecord.group(rs, RunRecord::target);
      for (Map.Entry<String, List<RunRecord>> t : byTarget.entrySet()) {
        List<RunRecord> tr = t.getValue();
        long ok = tr.stream().filter(RunRecord::ok).count();
        b.append("| ").append(t.getKey()).append(" | ").append(tr.size()).append(" | ").append(ok).append(" |");
        for (Metric m : ms) {
          b.append(' ').append(fmt(RunRecord.median(tr, m.key()))).append(" |");
        }
        if (!integ.isEmpty()) {
          List<String> sums = new ArrayList<>();
          for (String k : integ) {
            sums.add(Long.toString(RunRecord.sum(tr, k)));
          }
          b.append(' ').append(String.join(" / ", sums)).append(" |");
        }
        b.append('\n');
      }
      for (Map.Entry<String, List<RunRecord>> h : byTarget.entrySet()) {
        if (!isHerald(h.getKey())) {
          continue;
        }
        for (Map.Entry<String, List<RunRecord>> p : byTarget.entrySet()) {
          if (!isHerald(p.getKey()) && !p.getKey().equals(CEILING)) {
            ratioRow(b, h, p, ms, integ, true);
          }
        }
      }
      List<RunRecord> ceiling = byTarget.get(CEILING);
      for (Map.Entry<String, List<RunRecord>> t : ceiling == null ? List.<Map.Entry<String, List<RunRecord>>>of()
          : byTarget.entrySet()) {
        if (!t.getKey().equals(CEILING)) {
          ratioRow(b, t, Map.entry(CEILING, ceiling), ms, integ, isHerald(t.getKey()));
        }
      }
      b.append('\n');
      if (ms.stream().anyMatch(m -> !m.higherBetter())) {
        b.append("Medians of each target's runs. Ratios are Herald ÷ peer").append(ceiling == null ? "" : " and target ÷ "
            + CEILING).append(": above 1 is better for ");
        List<String> higher = ms.stream().filter(Metric::higherBetter).map(Metric::title).toList();
        b.append(higher.isEmpty() ? "none of the figures" : String.join(", ", higher));
        b.append(", below 1 is better for the others.\n\n");
      }
    }
    return b.toString();
  }

  /** A row of {@code a ÷ b} for each figure (in bold when {@code bold}). */
  private static void ratioRow(StringBuilder b, Map.Entry<String, List<RunRecord>> a,
      Map.Entry<String, List<RunRecord>> by, List<Metric> ms, List<String> integ, boolean bold) {
    String name = a.getKey() + " ÷ " + by.getKey();
    b.append("| ").append(bold ? "**" + name + "**" : name).append(" | | |");
    for (Metric m : ms) {
      b.append(' ').append(ratio(RunRecord.median(a.getValue(), m.key()), RunRecord.median(by.getValue(), m.key())))
          .append(" |");
    }
    b.append(integ.isEmpty() ? "" : " |").append('\n');
  }

  private static String describe(RunRecord r) {
    String mode = r.mode();
    return switch (mode) {
      case "fanout" -> String.format(Locale.ROOT, "fan-out, %,d subscribers over %,d channel(s), %s events/s for %s s",
          r.subscribers(), r.channels(), rate(r), fmt(r.num("duration_s")));
      case "idle" -> String.format(Locale.ROOT, "%,d idle streams over %,d channel(s)", r.subscribers(), r.channels());
      case "replay-storm" -> String.format(Locale.ROOT,
          "replay storm, %,d subscribers over %,d channel(s), each missing %s events", r.subscribers(), r.channels(),
          fmt(r.num("missed_per_channel")));
      case "heartbeat" -> String.format(Locale.ROOT, "heartbeats, %s sessions at %s beats/s asked",
          fmt(r.num("sessions")), rate(r));
      case "publish" -> String.format(Locale.ROOT, "publish, %s events/s asked", rate(r));
      default -> mode;
    };
  }

  private static String rate(RunRecord r) {
    double v = r.num("rate_target");
    return Double.isNaN(v) || v <= 0 ? "as many" : fmt(v);
  }

  static String ratio(double a, double b) {
    if (!Double.isFinite(a) || !Double.isFinite(b) || b == 0) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.2f×", a / b);
  }

  static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return "–";
    }
    double a = Math.abs(v);
    if (a >= 100 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
