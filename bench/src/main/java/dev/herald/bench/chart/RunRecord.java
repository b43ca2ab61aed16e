package dev.herald.bench.chart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One run of the load tool: its JSON line, with the scenario and target it belongs to. bench/scenarios.sh
 * labels each run {@code scenario/target} (e.g. {@code fanout-1k/nchan-1w}); a line without a slash in
 * its label gets a scenario from its mode and sizes, and the label (or the target URL) as its target.
 */
record RunRecord(String scenario, String target, Map<String, Object> fields) {

  /** Reads a file of JSON lines; blank lines are skipped, bad ones reported on stderr and skipped. */
  static List<RunRecord> load(Path file) throws IOException {
    List<RunRecord> out = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      try {
        out.add(of(Json.object(line)));
      } catch (IllegalArgumentException e) {
        System.err.println("chart: " + file + " line " + n + " skipped: " + e.getMessage());
      }
    }
    return out;
  }

  static RunRecord of(Map<String, Object> f) {
    String label = String.valueOf(f.getOrDefault("label", ""));
    int slash = label.indexOf('/');
    if (slash > 0 && slash < label.length() - 1) {
      return new RunRecord(label.substring(0, slash), label.substring(slash + 1), f);
    }
    String mode = String.valueOf(f.getOrDefault("mode", "run"));
    String scenario = mode + "-" + f.getOrDefault("subscribers", f.getOrDefault("sessions", 0)) + "x"
        + f.getOrDefault("channels", 1);
    String target = !label.isEmpty() ? label : String.valueOf(f.getOrDefault("targets", "?"));
    return new RunRecord(scenario, target, f);
  }

  String mode() {
    return String.valueOf(fields.getOrDefault("mode", ""));
  }

  /** The number at {@code key}, or NaN when absent or not a number. */
  double num(String key) {
    Object v = fields.get(key);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  boolean ok() {
    return Boolean.TRUE.equals(fields.get("ok"));
  }

  long subscribers() {
    double v = num("subscribers");
    return Double.isNaN(v) ? 0 : (long) v;
  }

  long channels() {
    double v = num("channels");
    return Double.isNaN(v) ? 1 : Math.max(1, (long) v);
  }

  /** Groups by {@code key}, keeping the order in which keys first appear. */
  static <K> Map<K, List<RunRecord>> group(Collection<RunRecord> runs, Function<RunRecord, K> key) {
    Map<K, List<RunRecord>> m = new LinkedHashMap<>();
    for (RunRecord r : runs) {
      m.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r);
    }
    return m;
  }

  /** The median of the finite values of {@code key} over {@code runs}, or NaN when there are none. */
  static double median(List<RunRecord> runs, String key) {
    List<Double> v = new ArrayList<>();
    for (RunRecord r : runs) {
      double x = r.num(key);
      if (Double.isFinite(x)) {
        v.add(x);
      }
    }
    if (v.isEmpty()) {
      return Double.NaN;
    }
    v.sort(Double::compare);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  /** The sum of {@code key} over {@code runs} (absent values count 0). */
  static long sum(List<RunRecord> runs, String key) {
    long s = 0;
    for (RunRecord r : runs) {
      double x = r.num(key);
      if (Double.isFinite(x)) {
        s += (long) x;
      }
    }
    return s;
  }
}
